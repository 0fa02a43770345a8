// test-backends: sqlite — the upstream client against the emulator uses no database: once is enough
// The upstream client against the real emulator: one typed outcome per failure, each within its timeout.
import { test, before, after, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { UpstreamClient } from '../../server/upstream/client.js';
import { Secret } from '../../server/crypto/secret.js';
import { startEmulator, scenario, type TestEmulator } from '../helpers/emulator.js';
import { providerName } from '../helpers/fixtures.js';
import type { MintRequest, UpstreamClientOptions } from '../../server/upstream/client.js';

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

const cases: { name: string; kind: string; setup?: () => void; request?: () => MintRequest; message: RegExp; check?: (o: any) => void }[] =
  [
    {
      name: 'wrong secret',
      kind: 'bad_signature',
      request: () => req({ secret: new Secret('wrong-secret') }),
      message: /rejected the signature/,
    },
    // A skewed clock recovers by itself: the offset is learned from the rejection's Date header and the one retry is signed with it.
    {
      name: 'clock ten minutes behind',
      kind: 'ok',
      setup: () => emu.faults.set({ clockOffsetSeconds: 600 }),
      message: /./,
      check: (o) => assert.ok(Math.abs(o.clockOffsetSeconds - 600) <= 1 && Math.abs(o.request.timestamp - (Date.now() / 1000 + 600)) <= 2),
    },
    {
      name: 'clock ten minutes ahead',
      kind: 'ok',
      setup: () => emu.faults.set({ clockOffsetSeconds: -600 }),
      message: /./,
      check: (o) => assert.ok(Math.abs(o.clockOffsetSeconds + 600) <= 1),
    },
    {
      name: 'credential not allowed',
      kind: 'forbidden',
      request: () => req({ clientId: s.narrow.clientId, secret: new Secret(s.narrow.clientSecret) }),
      message: /may not generate tokens/,
    },
    {
      name: 'unknown provider',
      kind: 'unknown_provider',
      request: () => req({ target: { level: 'account', entityId: s.accountId, providerName: providerName() } }),
      message: /does not know this provider/,
    },
    {
      name: 'body refused upstream',
      kind: 'bad_request',
      request: () => req({ body: { metadata: [] as unknown as Record<string, unknown> } }),
      message: /rejected the request body.*metadata must be a JSON object/,
    },
    { name: 'upstream 503', kind: 'upstream_error', setup: () => emu.faults.set({ forceStatus: 503 }), message: /failed with 503/ },
    {
      name: 'upstream 429',
      kind: 'rate_limited',
      setup: () => emu.faults.set({ forceStatus: 429, retryAfterSeconds: 3 }),
      message: /retry after 3 s/,
      check: (o) => assert.equal(o.retryAfterSeconds, 3),
    },
    {
      name: 'upstream 418',
      kind: 'unexpected_status',
      setup: () => emu.faults.set({ forceStatus: 418 }),
      message: /unexpected status 418/,
    },
    {
      name: 'garbage body',
      kind: 'unexpected_body',
      setup: () => emu.faults.set({ garbageBody: true }),
      message: /not a JWT as a JSON string \(text\/html/,
    },
    {
      name: 'slow beyond the headers timeout',
      kind: 'timeout',
      setup: () => emu.faults.set({ latencyMs: 1000 }),
      message: /did not answer within 400 ms/,
    },
    { name: 'hang', kind: 'timeout', setup: () => emu.faults.set({ hang: true }), message: /within 400 ms/ },
    {
      name: 'connection reset',
      kind: 'network_error',
      setup: () => emu.faults.set({ reset: true }),
      message: /closed the connection|could not be reached/,
    },
  ];

for (const c of cases) {
  test(`${c.name} → ${c.kind}`, async (t) => {
    t.after(() => emu.faults.clear());
    c.setup?.();
    const out = await client.mintToken(c.request ? c.request() : req());
    // Which bound ended a slow exchange is in the outcome's kind and message ("within 400 ms"), not in wall time.
    assert.equal(out.kind, c.kind, JSON.stringify(out));
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
  assert.deepEqual(
    skewed.clockOffsets().map((o) => Math.abs(o.offsetSeconds - 600) <= 1),
    [true],
  );
});

/** Counts the requests the emulator receives from now until the test ends. */
function requestsSeen(t: TestContext): () => number {
  let seen = 0;
  const count = () => seen++;
  emu.app.server.on('request', count);
  t.after(() => emu.app.server.off('request', count));
  return () => seen;
}

/** A client whose pauses before a retry are recorded, not spent (the default timeouts: they are not under test). */
function recordingPauses(options: UpstreamClientOptions = {}): { client: UpstreamClient; pauses: number[] } {
  const pauses: number[] = [];
  return { client: new UpstreamClient({ ...options, sleep: async (ms) => void pauses.push(ms) }), pauses };
}

test('Retry-After is waited for once when it fits the cap, never beyond it', async (t) => {
  const { client: patient, pauses } = recordingPauses();
  t.after(async () => {
    emu.faults.clear();
    await patient.close();
  });
  emu.faults.set({ forceStatus: 429, retryAfterSeconds: 1 });
  let seen = requestsSeen(t);
  const waited = await patient.mintToken(req());
  assert.equal(waited.kind, 'rate_limited');
  assert.deepEqual({ pauses, requests: seen() }, { pauses: [1000], requests: 2 }, 'paused the 1 s asked for, then retried once');
  emu.faults.set({ forceStatus: 429, retryAfterSeconds: 30 });
  pauses.length = 0;
  seen = requestsSeen(t);
  const passed = await patient.mintToken(req());
  assert.equal(passed.kind, 'rate_limited');
  assert.equal(passed.retryAfterSeconds, 30);
  assert.deepEqual({ pauses, requests: seen() }, { pauses: [], requests: 1 }, 'a wait beyond the cap goes back to the caller at once');
});

test('the circuit opens after consecutive failures, fails fast, and closes after a good probe', async (t) => {
  // A frozen clock the test moves: the circuit's pause is measured by it alone.
  const t0 = Date.now();
  let offsetMs = 0;
  const guarded = new UpstreamClient({ resilience: { breakerFailures: 3, breakerOpenMs: 30_000 }, now: () => t0 + offsetMs });
  t.after(async () => {
    emu.faults.clear();
    await guarded.close();
  });
  emu.faults.set({ forceStatus: 502 });
  for (let i = 0; i < 3; i++) assert.equal((await guarded.mintToken(req())).kind, 'upstream_error');
  emu.faults.clear();
  const seen = requestsSeen(t);
  const refused = await guarded.mintToken(req());
  assert.equal(refused.kind, 'circuit_open', 'refused without calling the (now healthy) upstream');
  assert.equal(seen(), 0, 'the upstream was not called');
  assert.ok(refused.kind === 'circuit_open' && refused.retryAfterSeconds === 30, JSON.stringify(refused));
  offsetMs = 29_999;
  assert.equal((await guarded.mintToken(req())).kind, 'circuit_open', 'still open 1 ms before the pause ends');
  offsetMs = 30_000;
  assert.equal((await guarded.mintToken(req())).kind, 'ok', 'the probe goes through and closes the circuit');
  assert.equal((await guarded.mintToken(req())).kind, 'ok');
  assert.equal(seen(), 2);
});

test('a connection-phase error is retried once after the pause; a reset after sending is not', async (t) => {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const { client: fresh, pauses } = recordingPauses();
  t.after(async () => {
    emu.faults.clear();
    await fresh.close();
  });
  const refused = await fresh.mintToken(req({ baseUrl: `http://127.0.0.1:${port}` }));
  assert.equal(refused.kind, 'network_error');
  assert.deepEqual(pauses, [fresh.policy.connectRetryDelayMs], 'one retry after the pause');
  pauses.length = 0;
  emu.faults.set({ reset: true });
  const seen = requestsSeen(t);
  const reset = await fresh.mintToken(req());
  assert.equal(reset.kind, 'network_error', JSON.stringify(reset));
  assert.deepEqual({ pauses, requests: seen() }, { pauses: [], requests: 1 }, 'the request may have been acted on: not sent again');
});
