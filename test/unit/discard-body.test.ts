// The bounds of discardBody: it reads a body to its end, but never more than maxBytes or longer than maxMs,
// and does not start on a body whose declared length is already past maxBytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { discardBody } from '../../server/http/discard-body.js';

function fakeRequest(headers: Record<string, string> = {}): PassThrough & { headers: Record<string, string>; complete: boolean } {
  return Object.assign(new PassThrough(), { headers, complete: false });
}

test('reads a body to its end', async () => {
  const req = fakeRequest({ 'content-length': '3000' });
  const done = discardBody(req as unknown as IncomingMessage, { maxBytes: 10_000, maxMs: 60_000 });
  req.write(Buffer.alloc(1000));
  req.end(Buffer.alloc(2000));
  await done;
  assert.equal(req.readableEnded, true);
});

test('does not start when the declared length is past the bound', async () => {
  const req = fakeRequest({ 'content-length': '10001' });
  await discardBody(req as unknown as IncomingMessage, { maxBytes: 10_000, maxMs: 60_000 });
  assert.equal(req.readableFlowing, null, 'never read');
});

test('stops after maxBytes of a body of unknown length', async () => {
  const req = fakeRequest();
  const done = discardBody(req as unknown as IncomingMessage, { maxBytes: 10_000, maxMs: 60_000 });
  for (let i = 0; i < 11; i++) req.write(Buffer.alloc(1000));
  await done;
  assert.equal(req.readableEnded, false);
  assert.equal(req.isPaused(), true);
});

test('stops after maxMs when the body never ends', async () => {
  const req = fakeRequest();
  req.write(Buffer.alloc(10));
  await discardBody(req as unknown as IncomingMessage, { maxBytes: 10_000, maxMs: 20 });
  assert.equal(req.readableEnded, false);
  assert.equal(req.isPaused(), true);
});
