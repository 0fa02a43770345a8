// Before answering 413 to a body that is too large, read and throw away what the client is still sending.
// Fastify answers at once with "Connection: close"; the socket then closes with the rest of the body
// unread, the kernel resets the connection, and a client that writes the whole body before reading (Python's
// urllib, curl without Expect: 100-continue) gets a broken pipe instead of the 413. Reading is bounded in
// bytes and time, so a client cannot hold the server with an endless body: past either bound, or when the
// declared length is already past it, the answer goes at once, as before.
import type { IncomingMessage } from 'node:http';

export interface DiscardLimits {
  maxBytes: number;
  maxMs: number;
}

/** 8 MiB covers twice the largest body limit (bulk: 4 MiB); 5 s is far more than loopback or a LAN needs for it. */
export const DISCARD_LIMITS: DiscardLimits = { maxBytes: 8 * 1024 * 1024, maxMs: 5_000 };

export function discardBody(request: IncomingMessage, limits: DiscardLimits = DISCARD_LIMITS): Promise<void> {
  const declared = Number(request.headers['content-length']);
  if (request.complete || request.destroyed || (Number.isFinite(declared) && declared > limits.maxBytes)) return Promise.resolve();
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
