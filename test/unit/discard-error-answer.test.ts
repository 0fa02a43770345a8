// discardBeforeErrorAnswer, the onSend hook every error answer passes: it holds an error answer until the
// body still arriving is read (bounded), lets other answers and finished bodies through at once, and a body
// is discarded once per request however many handlers ask (the emulator inside the console has two).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { discardBeforeErrorAnswer, discardBody } from '../../server/http/discard-body.js';

function fakeRequest(complete = false): PassThrough & { headers: Record<string, string>; complete: boolean } {
  return Object.assign(new PassThrough(), { headers: {}, complete });
}

/** Runs the hook; resolves with the payload it passed on. */
function runHook(raw: ReturnType<typeof fakeRequest>, statusCode: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, payload?: unknown) => (err ? reject(err) : resolve(payload));
    (discardBeforeErrorAnswer as unknown as (req: unknown, reply: unknown, payload: unknown, done: unknown) => void)(
      { raw } as unknown as FastifyRequest,
      { statusCode } as unknown as FastifyReply,
      'the answer',
      done,
    );
  });
}

test('an error answer waits for the rest of the body; it goes once the body has ended', async () => {
  const raw = fakeRequest();
  let sent = false;
  const answer = runHook(raw, 401).then((p) => ((sent = true), p));
  raw.write(Buffer.alloc(1000));
  await new Promise((r) => setImmediate(r));
  assert.equal(sent, false, 'not while the body is arriving');
  raw.end(Buffer.alloc(1000));
  assert.equal(await answer, 'the answer');
  assert.equal(raw.readableEnded, true);
});

test('a success, or a body already read, goes at once, without reading', async () => {
  const success = fakeRequest();
  assert.equal(await runHook(success, 200), 'the answer');
  assert.equal(success.readableFlowing, null, 'never read');
  const read = fakeRequest(true);
  assert.equal(await runHook(read, 400), 'the answer');
  assert.equal(read.readableFlowing, null, 'never read');
});

test('a body is discarded once per request: a second ask returns at once', async () => {
  const raw = fakeRequest();
  const limits = { maxBytes: 1000, maxMs: 60_000 };
  const first = discardBody(raw as unknown as IncomingMessage, limits);
  raw.write(Buffer.alloc(1500));
  await first;
  assert.equal(raw.isPaused(), true, 'stopped at its bound');
  let second = false;
  await discardBody(raw as unknown as IncomingMessage, limits).then(() => (second = true));
  assert.equal(second, true);
  assert.equal(raw.isPaused(), true, 'and not read on past the bound');
});
