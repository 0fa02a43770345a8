// Before an error answer goes out while the request body is still arriving (a 413 for a body too large, a
// 401 or 403 from the auth hook, which refuses before the body is read), read and throw away what the
// client is still sending. Otherwise the socket closes with the rest of the body unread (Fastify answers a
// 413 with "Connection: close"; Python's urllib asks for it on every request), the kernel resets the
// connection, and a client that writes the whole body before reading (urllib, curl without Expect:
// 100-continue) gets a broken pipe instead of the answer. Reading is bounded in bytes and time, so a client
// cannot hold the server with an endless body: past either bound, or when the declared length is already
// past it, the answer goes at once, as before. A request's body is discarded once at most.
import type { IncomingMessage } from 'node:http';
import type { onSendHookHandler } from 'fastify';

export interface DiscardLimits {
  maxBytes: number;
  maxMs: number;
}

/** 8 MiB covers twice the largest body limit (bulk: 4 MiB); 5 s is far more than loopback or a LAN needs for it. */
export const DISCARD_LIMITS: DiscardLimits = { maxBytes: 8 * 1024 * 1024, maxMs: 5_000 };

/** Requests whose body was discarded already: the bounds hold per request, not per error handler. */
const discarded = new WeakSet<IncomingMessage>();

export function discardBody(request: IncomingMessage, limits: DiscardLimits = DISCARD_LIMITS): Promise<void> {
  const declared = Number(request.headers['content-length']);
  if (discarded.has(request) || request.complete || request.destroyed || (Number.isFinite(declared) && declared > limits.maxBytes))
    return Promise.resolve();
  discarded.add(request);
  return new Promise((resolve) => {
    let seen = 0;
    const finish = () => {
      clearTimeout(timer);
      request.off('data', onData);
      request.off('end', finish);
      request.off('error', finish);
      request.off('close', finish);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > limits.maxBytes) {
        request.pause();
        finish();
      }
    };
    const timer = setTimeout(() => {
      request.pause();
      finish();
    }, limits.maxMs);
    request.on('data', onData);
    request.on('end', finish);
    request.on('error', finish);
    request.on('close', finish);
    request.resume();
  });
}

/** onSend hook: an error answer waits until the body still arriving is discarded (bounded); others go at once. */
export const discardBeforeErrorAnswer: onSendHookHandler = (request, reply, payload, done) => {
  if (reply.statusCode < 400 || request.raw.complete) return done(null, payload);
  void discardBody(request.raw).then(() => done(null, payload));
};
