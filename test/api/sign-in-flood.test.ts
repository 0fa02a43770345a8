// F9: known and unknown emails lock alike whatever else is tried: a flood of sign-ins for 10,050 other
// unknown emails does not make the console forget the lock of one and keep the other's.
// F6 (sign-in part): failed sign-ins from one address are throttled before each costs a synced audit
// write: a burst of concurrent failures writes a bounded number of rows, and the refused attempts are
// summed up in one row afterwards.
// Client addresses come from X-Forwarded-For (TRUST_PROXY), rotating through 127.x addresses.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { addUser, startTestConsole, type TestConsole } from '../helpers/console.js';
import { http, type JsonResponse } from '../helpers/http.js';

let app: TestConsole;
let offsetMs = 0;
let addressCount = 0;

before(async () => {
  app = await startTestConsole({ TRUST_PROXY: 'true', SEED_DEMO: 'false' }, { now: () => Date.now() + offsetMs });
});
after(() => app?.stop());

const nextAddress = () => {
  const n = ++addressCount;
  return `127.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
};
const unknownEmail = (tag: string) => `${tag}-${randomUUID().slice(0, 8)}@example.test`;

function attempt(email: string, password: string, address: string): Promise<JsonResponse<{ error?: string; message?: string }>> {
  return http('POST', `${app.url}/api/session`, { email, password }, { cookie: '', 'x-forwarded-for': address });
}

/**
 * 10,050 failed sign-ins for distinct unknown emails from rotating addresses. Over HTTP each costs an
 * argon2 comparison (about 10 ms here, two at a time: minutes in all), so by default the flood goes
 * through the sign-in guard the route uses, the same admission and failure bookkeeping without the hash;
 * SAT_TEST_HTTP_FLOOD=1 sends it over HTTP instead.
 */
async function flood(count: number): Promise<void> {
  if (process.env.SAT_TEST_HTTP_FLOOD === '1') {
    for (let i = 0; i < count; i += 16) {
      await Promise.all(
        Array.from({ length: Math.min(16, count - i) }, () => attempt(unknownEmail('flood'), 'wrong password here', nextAddress())),
      );
    }
    return;
  }
  const guard = app.services.users.guard;
  for (let i = 0; i < count; i++) {
    const email = unknownEmail('flood');
    const admission = await guard.admit(email, nextAddress(), undefined, null);
    await guard.failed(admission, email, null).catch(() => undefined);
  }
}

test('a real and an unknown email, both locked, are still both locked after 10,050 sign-ins for other unknown emails', async () => {
  const user = await addUser(app, 'viewer');
  const unknown = unknownEmail('ghost');
  for (let i = 0; i < 10; i++) {
    await attempt(user.email, 'wrong password here', nextAddress());
    await attempt(unknown, 'wrong password here', nextAddress());
  }
  const before = [
    await attempt(user.email, 'wrong password here', nextAddress()),
    await attempt(unknown, 'wrong password here', nextAddress()),
  ];
  assert.deepEqual(
    before.map((r) => r.json.error),
    ['auth/locked', 'auth/locked'],
  );

  await flood(10_050);

  const real = await attempt(user.email, 'wrong password here', nextAddress());
  const ghost = await attempt(unknown, 'wrong password here', nextAddress());
  assert.deepEqual([real.status, real.json.error], [429, 'auth/locked'], 'the real account is still locked');
  assert.deepEqual(
    [ghost.status, ghost.json.error],
    [429, 'auth/locked'],
    'the unknown email is still locked: the answers do not tell them apart',
  );
  assert.equal(ghost.json.message, real.json.message);
  assert.ok(
    Math.abs(Number(ghost.headers.get('retry-after')) - Number(real.headers.get('retry-after'))) <= 2,
    'the same wait, to the second or two between the two locks',
  );
});

test('200 concurrent failed sign-ins from one address write at most 31 audit rows, and one more that sums up the refused ones', async (t) => {
  offsetMs += 60 * 60_000;
  const address = '127.200.0.1';
  const auditRows = () => app.db.auditEvent.count();
  const syncedCommits = async () =>
    Number(
      /sat_audit_commit_seconds_count\{synced="true"\} (\d+)/.exec((await http<string>('GET', `${app.url}/api/metrics`)).text)?.[1] ?? 0,
    );
  const rowsBefore = await auditRows();
  const commitsBefore = await syncedCommits();

  const answers = await Promise.all(
    Array.from({ length: 200 }, (_, i) => attempt(unknownEmail(`burst${i}`), 'wrong password here', address)),
  );
  const codes = answers.reduce<Record<string, number>>(
    (acc, a) => ({ ...acc, [a.json.error ?? a.status]: (acc[a.json.error ?? a.status] ?? 0) + 1 }),
    {},
  );
  // 30 let in per 5 minutes; of those, what the argon2 line cannot hold is refused as busy (one row a spell).
  const { 'auth/busy': busy = 0, ...rest } = codes;
  assert.deepEqual(
    { ...rest, admitted: (rest['auth/invalid_credentials'] ?? 0) + busy },
    { 'auth/invalid_credentials': 30 - busy, 'auth/throttled': 170, admitted: 30 },
    '30 attempts per 5 minutes per address',
  );
  const written = (await auditRows()) - rowsBefore;
  const commits = (await syncedCommits()) - commitsBefore;
  t.diagnostic(`200 attempts from one address: ${written} audit rows, ${commits} synced audit commits (${busy} refused as busy)`);
  assert.ok(written <= 31 + (busy ? 1 : 0), `${written} audit rows for 200 attempts`);
  assert.ok(commits <= 31 + (busy ? 1 : 0), `${commits} synced audit commits for 200 attempts`);
  const throttled = await app.db.auditEvent.findMany({ where: { action: 'auth.throttled' }, orderBy: { seq: 'asc' } });
  assert.equal(throttled.filter((r) => r.ip === address).length, 1, 'one row when the address became throttled');

  // After the window, the next sign-in from anywhere writes the sum of the refused attempts.
  offsetMs += 6 * 60_000;
  await attempt(unknownEmail('later'), 'wrong password here', nextAddress());
  const summaries = (await app.db.auditEvent.findMany({ where: { action: 'auth.refused' } })).map(
    (r) => JSON.parse(r.detail) as { scope: string; address?: string; refused: number },
  );
  assert.deepEqual(
    summaries.filter((s) => s.address === address).map((s) => [s.scope, s.refused]),
    [['address', 170]],
  );
});

test('the address counter takes an IPv6 /64 as one address (one host has them all) and an IPv4-mapped IPv6 address as its IPv4 one', async () => {
  offsetMs += 60 * 60_000;
  const inOneSlash64 = Array.from(
    { length: 31 },
    (_, i) =>
      `2001:db8:77:${i % 2 ? '0' : '0000'}:${(i * 7919) & 0xffff ? ((i * 7919) & 0xffff).toString(16) : '0'}::${(i + 1).toString(16)}`,
  );
  const answers = [];
  for (const address of inOneSlash64) answers.push((await attempt(unknownEmail('v6'), 'wrong password here', address)).json.error);
  assert.deepEqual(
    answers.slice(0, 30).filter((e) => e !== 'auth/invalid_credentials'),
    [],
    '30 attempts per 5 minutes',
  );
  assert.equal(answers[30], 'auth/throttled', 'the 31st address of the same /64 is the same client');
  assert.equal(
    (await attempt(unknownEmail('v6'), 'wrong password here', '2001:db8:77:1::1')).json.error,
    'auth/invalid_credentials',
    'the next /64 is another client',
  );

  const mapped = [];
  for (let i = 0; i < 31; i++)
    mapped.push(
      (await attempt(unknownEmail('mapped'), 'wrong password here', i % 2 ? '198.51.100.77' : '::ffff:198.51.100.77')).json.error,
    );
  assert.equal(mapped[30], 'auth/throttled', '::ffff:198.51.100.77 and 198.51.100.77 are one address');
  const counted = (await app.db.signInThrottle.findMany({ where: { scope: 'address' } })).map(
    (r) => (JSON.parse(r.subject) as { address: string }).address,
  );
  assert.ok(
    counted.includes('2001:db8:77:0::/64') && counted.includes('198.51.100.77'),
    'counted under the /64 and under the IPv4 address',
  );
  assert.equal(
    counted.some((a) => a.includes('::ffff:') || a.startsWith('2001:db8:77:0::1')),
    false,
  );
});
