// The upstream client against the real emulator: one typed outcome per failure, each within its timeout.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { UpstreamClient } from '../../server/upstream/client.js';
import { Secret } from '../../server/crypto/secret.js';
import { startEmulator, scenario, type TestEmulator } from '../helpers/emulator.js';
import { providerName } from '../helpers/fixtures.js';
import type { MintRequest } from '../../server/upstream/client.js';

const s = scenario();
let emu: TestEmulator;
const client = new UpstreamClient({ timeouts: { connectMs: 500, headersMs: 400, bodyMs: 400, totalMs: 1500 } });

before(async () => {
  emu = await startEmulator({ ...s.config, control: true });
});
after(async () => {
  await client.close();
  await emu.close();
});

function req(over: Partial<MintRequest> = {}): MintRequest {
  return {
    baseUrl: emu.url,
    // The standalone emulator listens on loopback: trusted here, these tests are about resilience.
    trusted: true,
    target: { level: 'account', entityId: s.accountId, providerName: s.provider.name },
    clientId: s.admin.clientId,
    secret: new Secret(s.admin.clientSecret),
    body: { email: 'ann@example.com' },
    ...over,
  };
}

test('ok: the JWT parsed from its JSON string, with latency, offset and what was signed', async () => {
  const out = await client.mintToken(req());
  assert.equal(out.kind, 'ok');
  if (out.kind !== 'ok') return;
  assert.match(out.token, /^eyJ/);
  assert.ok(out.latencyMs > 0);
  assert.ok(Math.abs(out.clockOffsetSeconds ?? 99) <= 1);
  assert.equal(out.request.stringToSign, `${out.request.timestamp}${s.admin.clientId}`);
  assert.equal(JSON.stringify(out).includes(s.admin.clientSecret), false);
});

const cases: { name: string; kind: string; setup?: () => void; request?: () => MintRequest; message: RegExp; check?: (o: any) => void }[] = [
  { name: 'wrong secret', kind: 'bad_signature', request: () => req({ secret: new Secret('wrong-secret') }), message: /rejected the signature/ },
  // A skewed clock recovers by itself: the offset is learned from the rejection's Date header and the one retry is signed with it.
  { name: 'clock ten minutes behind', kind: 'ok', setup: () => emu.faults.set({ clockOffsetSeconds: 600 }), message: /./, check: (o) => assert.ok(Math.abs(o.clockOffsetSeconds - 600) <= 1 && Math.abs(o.request.timestamp - (Date.now() / 1000 + 600)) <= 2) },
  { name: 'clock ten minutes ahead', kind: 'ok', setup: () => emu.faults.set({ clockOffsetSeconds: -600 }), message: /./, check: (o) => assert.ok(Math.abs(o.clockOffsetSeconds + 600) <= 1) },
  { name: 'credential not allowed', kind: 'forbidden', request: () => req({ clientId: s.narrow.clientId, secret: new Secret(s.narrow.clientSecret) }), message: /may not generate tokens/ },
  { name: 'unknown provider', kind: 'unknown_provider', request: () => req({ target: { level: 'account', entityId: s.accountId, providerName: providerName() } }), message: /does not know this provider/ },
  { name: 'body refused upstream', kind: 'bad_request', request: () => req({ body: { metadata: [] as unknown as Record<string, unknown> } }), message: /rejected the request body.*metadata must be a JSON object/ },
  { name: 'upstream 503', kind: 'upstream_error', setup: () => emu.faults.set({ forceStatus: 503 }), message: /failed with 503/ },
  { name: 'upstream 429', kind: 'rate_limited', setup: () => emu.faults.set({ forceStatus: 429, retryAfterSeconds: 3 }), message: /retry after 3 s/, check: (o) => assert.equal(o.retryAfterSeconds, 3) },
  { name: 'upstream 418', kind: 'unexpected_status', setup: () => emu.faults.set({ forceStatus: 418 }), message: /unexpected status 418/ },
  { name: 'garbage body', kind: 'unexpected_body', setup: () => emu.faults.set({ garbageBody: true }), message: /not a JWT as a JSON string \(text\/html/ },
  { name: 'slow beyond the headers timeout', kind: 'timeout', setup: () => emu.faults.set({ latencyMs: 1000 }), message: /did not answer within 400 ms/ },
  { name: 'hang', kind: 'timeout', setup: () => emu.faults.set({ hang: true }), message: /within 400 ms/ },
  { name: 'connection reset', kind: 'network_error', setup: () => emu.faults.set({ reset: true }), message: /closed the connection|could not be reached/ },
];

for (const c of cases) {
  test(`${c.name} → ${c.kind}`, async (t) => {
    t.after(() => emu.faults.clear());
    c.setup?.();
    const started = performance.now();
    const out = await client.mintToken(c.request ? c.request() : req());
    assert.equal(out.kind, c.kind, JSON.stringify(out));
    assert.ok(performance.now() - started < 1500, 'answers within the total timeout');
    if (out.kind === 'ok') return c.check?.(out);
    assert.match(out.message, c.message);
    assert.equal(JSON.stringify(out).includes(s.admin.clientSecret), false, 'no outcome carries the secret');
    c.check?.(out);
  });
}

test('connection refused → network_error naming ECONNREFUSED', async () => {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const out = await client.mintToken(req({ baseUrl: `http://127.0.0.1:${port}` }));
  assert.ok(out.kind === 'network_error', out.kind);
  assert.match(out.message, /ECONNREFUSED/);
});

test('our own clock ten minutes slow: the offset is learned from the Date header and the retry succeeds', async (t) => {
  const skewed = new UpstreamClient({ timeouts: { totalMs: 1500 }, now: () => Date.now() - 600_000 });
  t.after(() => skewed.close());
  const out = await skewed.mintToken(req());
  assert.equal(out.kind, 'ok', JSON.stringify(out));
  assert.ok(Math.abs((out.clockOffsetSeconds ?? 0) - 600) <= 1);
  assert.deepEqual(skewed.clockOffsets().map((o) => Math.abs(o.offsetSeconds - 600) <= 1), [true]);
});

test('Retry-After is waited for once when it fits the cap, never beyond it', async (t) => {
  t.after(() => emu.faults.clear());
  emu.faults.set({ forceStatus: 429, retryAfterSeconds: 1 });
  let started = performance.now();
  const waited = await client.mintToken(req());
  assert.equal(waited.kind, 'rate_limited');
  assert.ok(performance.now() - started >= 1000, 'waited the 1 s the upstream asked for, then retried once');
  emu.faults.set({ forceStatus: 429, retryAfterSeconds: 30 });
  started = performance.now();
  const passed = await client.mintToken(req());
  assert.equal(passed.kind, 'rate_limited');
  assert.equal(passed.retryAfterSeconds, 30);
  assert.ok(performance.now() - started < 500, 'a wait beyond the cap goes back to the caller at once');
});

test('the circuit opens after consecutive failures, fails fast, and closes after a good probe', async (t) => {
  const guarded = new UpstreamClient({ timeouts: { totalMs: 1500 }, resilience: { breakerFailures: 3, breakerOpenMs: 300 } });
  t.after(async () => {
    emu.faults.clear();
    await guarded.close();
  });
  emu.faults.set({ forceStatus: 502 });
  for (let i = 0; i < 3; i++) assert.equal((await guarded.mintToken(req())).kind, 'upstream_error');
  emu.faults.clear();
  const started = performance.now();
  const refused = await guarded.mintToken(req());
  assert.equal(refused.kind, 'circuit_open', 'refused without calling the (now healthy) upstream');
  assert.ok(performance.now() - started < 20);
  assert.ok(refused.kind === 'circuit_open' && refused.retryAfterSeconds! >= 1);
  await new Promise((r) => setTimeout(r, 320));
  assert.equal((await guarded.mintToken(req())).kind, 'ok', 'the probe goes through and closes the circuit');
  assert.equal((await guarded.mintToken(req())).kind, 'ok');
});

test('a connection-phase error is retried once; a reset after sending is not', async () => {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const fresh = new UpstreamClient({ timeouts: { totalMs: 1500 } });
  try {
    const started = performance.now();
    const refused = await fresh.mintToken(req({ baseUrl: `http://127.0.0.1:${port}` }));
    assert.equal(refused.kind, 'network_error');
    assert.ok(performance.now() - started >= 100, 'one retry after the pause');
  } finally {
    await fresh.close();
  }
});
