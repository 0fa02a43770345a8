// F2 of issue 13, second half: time from outside is input. An upstream's Date header can lie; the clock offset
// the console follows is bounded (UPSTREAM_MAX_SKEW_SECONDS), beyond it nothing is signed, and no signed
// timestamp ever leaves now ± the bound, whatever the upstream says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { startTestConsole } from '../helpers/console.js';
import { http } from '../helpers/http.js';
import { FAKE_JWT, startFakeUpstream, type FakeUpstream, type SeenRequest } from '../helpers/fake-upstream.js';
import { providerName } from '../helpers/fixtures.js';
import { UpstreamClient } from '../../server/upstream/client.js';
import { Secret } from '../../server/crypto/secret.js';

const YEAR = 365 * 86_400;
const signed = (fake: FakeUpstream) => fake.seen.filter((r) => r.headers['x-frame-signature']);
/** How far a request's signed timestamp was from our clock when it arrived, in seconds. */
const drift = (r: SeenRequest) => Number(r.headers['x-frame-timestamp']) - r.at / 1000;

test('a Date header a year ahead is not followed: verify says which clock is off, nothing more is signed until the clocks agree', async (t) => {
  const fake = await startFakeUpstream();
  const app = await startTestConsole({ UPSTREAM_ALLOW_HOSTS: fake.host });
  t.after(async () => {
    await app.stop();
    await fake.close();
  });
  const cred = await http<{ id: string }>('POST', `${app.url}/api/credential-sets`, {
    name: 'Fake',
    clientId: `${randomUUID()}.img.frame.nutanix.com`,
    clientSecret: randomBytes(20).toString('hex'),
    upstreamUrl: fake.url,
  });
  assert.equal(cred.status, 201, cred.text);
  const prov = await http<{ id: string }>('POST', `${app.url}/api/providers`, {
    name: providerName(),
    tokenDurationMin: 30,
    entityLevel: 'account',
    entityId: randomUUID(),
    credentialSetId: cred.json.id,
  });
  assert.equal(prov.status, 201, prov.text);

  let offset = YEAR;
  fake.answer(() => ({
    status: 401,
    body: JSON.stringify({ error: 'stale_timestamp', message: 'X-Frame-Timestamp is outside the accepted window.' }),
    dateOffsetSeconds: offset,
  }));
  const verify = await http<{ signature: string; outcome: string; message: string; clockOffsetSeconds: number }>(
    'POST',
    `${app.url}/api/credential-sets/${cred.json.id}/verify`,
    {},
  );
  assert.equal(verify.status, 200, verify.text);
  assert.equal(verify.json.outcome, 'clock_skew');
  assert.match(verify.json.message, /beyond the ±900 s the console follows \(UPSTREAM_MAX_SKEW_SECONDS\)/);
  assert.ok(Math.abs(verify.json.clockOffsetSeconds - YEAR) <= 2);
  assert.equal(signed(fake).length, 1, 'one signature, dated by our own clock, and no retry with the year-ahead time');

  const ready = await http<{ upstreams: { upstream: string; withinBound: boolean; offsetSeconds: number; message: string }[] }>(
    'GET',
    `${app.url}/api/ready/detail`,
  );
  const clock = ready.json.upstreams.find((u) => u.upstream === fake.url);
  assert.equal(clock?.withinBound, false, ready.text);
  assert.match(clock!.message, /this machine's clock or the upstream's is wrong/);

  // While the upstream's clock is out of bounds, a mint first measures it with an unsigned request and stops there.
  const before = fake.seen.length;
  const refused = await http<{ error: string; message: string }>('POST', `${app.url}/api/providers/${prov.json.id}/tokens`, {});
  assert.equal(refused.status, 422, refused.text);
  assert.equal(refused.json.error, 'upstream/clock_skew');
  assert.match(refused.json.message, /Nothing is signed/);
  const probes = fake.seen.slice(before);
  assert.equal(probes.length, 1);
  assert.equal(probes[0]!.headers['x-frame-signature'], undefined, 'the measure carries no credential');
  assert.equal(probes[0]!.headers['x-frame-timestamp'], undefined);

  // Clocks within the bound again (7 minutes apart): the next mint measures, follows the offset and signs.
  offset = 420;
  fake.answer((req) =>
    req.headers['x-frame-signature']
      ? { status: 200, body: FAKE_JWT, dateOffsetSeconds: offset }
      : { status: 401, body: '{"error":"missing_headers","message":"."}', dateOffsetSeconds: offset },
  );
  const minted = await http<{ request: { timestamp: number } }>('POST', `${app.url}/api/providers/${prov.json.id}/tokens`, {});
  assert.equal(minted.status, 200, minted.text);
  const last = signed(fake).at(-1)!;
  assert.ok(Math.abs(drift(last) - 420) <= 2, `signed with the upstream's time: drift ${drift(last)}`);
  assert.equal(
    (await http<{ upstreams: { upstream: string; withinBound: boolean }[] }>('GET', `${app.url}/api/ready/detail`)).json.upstreams.find(
      (u) => u.upstream === fake.url,
    )?.withinBound,
    true,
  );

  for (const r of signed(fake)) assert.ok(Math.abs(drift(r)) <= 900 + 2, `a signature dated ${drift(r)} s from now left the console`);
});

test('whatever Date headers an upstream sends, no signed timestamp leaves now ± the bound (property, 60 sequences)', async (t) => {
  const fake = await startFakeUpstream();
  const bound = 600;
  // The breaker would stop the calls after a few 500s: this test is about timestamps, so it never opens.
  const client = new UpstreamClient({ resilience: { maxSkewSeconds: bound, breakerFailures: 1_000_000 }, allowHosts: [fake.host] });
  t.after(async () => {
    await client.close();
    await fake.close();
  });
  const offsetArb = fc.oneof(
    fc.integer({ min: -2 * YEAR, max: 2 * YEAR }),
    fc.integer({ min: -bound - 60, max: bound + 60 }),
    fc.constant(0),
  );
  const stepArb = fc.record({ offset: offsetArb, status: fc.constantFrom(200, 401, 401, 500) });
  await fc.assert(
    fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 8 }), async (steps) => {
      for (const step of steps) {
        fake.answer(() => ({
          status: step.status,
          body: step.status === 200 ? FAKE_JWT : JSON.stringify({ error: 'stale_timestamp', message: 'x' }),
          dateOffsetSeconds: step.offset,
        }));
        await client.mintToken({
          baseUrl: fake.url,
          target: { level: 'account', entityId: randomUUID(), providerName: providerName() },
          clientId: 'c.img.frame.nutanix.com',
          secret: new Secret('s'.repeat(40)),
          body: {},
        });
      }
      for (const r of signed(fake)) assert.ok(Math.abs(drift(r)) <= bound + 2, `signed ${drift(r)} s from now`);
    }),
    { numRuns: 60 },
  );
  assert.ok(signed(fake).length >= 60, `the sequences did sign (${signed(fake).length} signatures)`);
});
