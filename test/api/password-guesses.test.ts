// Guessing the current password through PUT /api/session/password (issue 13 red-team pass,
// /work/attack-scripts/pwchange.mjs and pwflood.mjs): with one stolen session, 200 guesses went through in
// 2 s, and 1,500 concurrent ones kept the argon2 slots busy (a trusted owner's sign-in waited 10.5 s).
// Now a per-user counter (kept in the database with the sign-in counters) lets 5 wrong guesses through in
// 15 minutes: the 5th locks password changes for 15 minutes and ends the session that tried, refused
// attempts end their session too and are never compared. The clock moves; nothing sleeps.
// test-runner: alone (it compares timings taken in one run; scripts/test.mjs runs it after the others, by itself)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { OWNER, addUser, startTestConsole, TEST_BACKEND, type TestConsole } from '../helpers/console.js';
import { http, signIn, useSession, type JsonResponse, type SessionCredentials } from '../helpers/http.js';

let app: TestConsole;
let offsetMs = 0;

before(async () => {
  app = await startTestConsole({ SEED_DEMO: 'false' }, { now: () => Date.now() + offsetMs });
});
after(() => app?.stop());

const MINUTE = 60_000;
type Answer = JsonResponse<{ error?: string }>;

function change(s: SessionCredentials, current: string, next = 'a brand new long passphrase'): Promise<Answer> {
  return http(
    'PUT',
    `${app.url}/api/session/password`,
    { currentPassword: current, newPassword: next },
    { cookie: s.cookie, 'x-csrf-token': s.csrfToken },
  );
}

const signedIn = async (s: SessionCredentials) =>
  (await http<{ signedIn: boolean }>('GET', `${app.url}/api/session`, undefined, { cookie: s.cookie })).json.signedIn;
const tally = (answers: Answer[]) =>
  answers.reduce<Record<string, number>>(
    (acc, a) => ({ ...acc, [`${a.status} ${a.json?.error}`]: (acc[`${a.status} ${a.json?.error}`] ?? 0) + 1 }),
    {},
  );

/** The argon2 comparisons of the current password for this user, from the audit log (one row each). */
async function compared(userId: string): Promise<number> {
  return app.db.auditEvent.count({
    where: { action: 'auth.password_changed', target: userId, outcome: { in: ['auth/wrong_password', 'auth/locked', 'ok'] } },
  });
}

test('200 guesses of the current password from one stolen session: 5 are compared, then 429 and the session ends', async (t) => {
  const user = await addUser(app, 'viewer');
  const stolen = await signIn(app.url, user.email, user.password);
  const answers: Answer[] = [];
  for (let i = 0; i < 200; i++) answers.push(await change(stolen, `guess-number-${i}-xyz`));
  const codes = tally(answers);
  t.diagnostic(`200 sequential guesses: ${JSON.stringify(codes)}`);
  assert.deepEqual(
    answers.slice(0, 5).map((a) => a.json.error),
    ['auth/wrong_password', 'auth/wrong_password', 'auth/wrong_password', 'auth/wrong_password', 'auth/locked'],
  );
  assert.equal(answers[4]!.status, 429);
  assert.ok(Number(answers[4]!.headers.get('retry-after')) > 14 * 60);
  assert.deepEqual(
    codes,
    { '400 auth/wrong_password': 4, '429 auth/locked': 1, '401 auth/required': 195 },
    'the session ended with the 5th wrong guess',
  );
  assert.equal(await signedIn(stolen), false);
  assert.equal(await compared(user.id), 5);
  const locked = await http<{ detail: { scope: string; sessionEnded: boolean } }[]>('GET', `${app.url}/api/audit?action=auth.locked`);
  assert.deepEqual(
    locked.json.filter((r) => r.detail.scope === 'password').map((r) => r.detail.sessionEnded),
    [true],
    'the lock is on record, with the session it ended',
  );

  // The real user, from another session, waits out the lock (moving the clock), then changes the password.
  const own = await signIn(app.url, user.email, user.password);
  const refused = await change(own, user.password);
  assert.deepEqual([refused.status, refused.json.error], [429, 'auth/locked'], 'even the right password waits');
  offsetMs += 16 * MINUTE;
  const again = await signIn(app.url, user.email, user.password);
  assert.equal((await change(again, user.password)).status, 204, 'after 15 minutes the right password changes it');
  useSession(app.url, await signIn(app.url, OWNER.email, OWNER.password));
});

test(
  "1,500 concurrent guesses from one session: at most 5 are compared, and the owner's trusted browser signs in as fast as on an idle console",
  { timeout: 120_000 },
  async (t) => {
    const user = await addUser(app, 'viewer');
    const stolen = await signIn(app.url, user.email, user.password);
    const ownerFirst = await http('POST', `${app.url}/api/session`, OWNER, { cookie: '' });
    let device = ownerFirst.headers
      .getSetCookie()
      .find((c) => c.startsWith('sat_device='))!
      .split(';')[0]!;
    const ownerSignIn = async () => {
      const started = performance.now();
      const res = await http('POST', `${app.url}/api/session`, OWNER, { cookie: device });
      const ms = performance.now() - started;
      assert.equal(res.status, 200, res.text);
      device = res.headers
        .getSetCookie()
        .find((c) => c.startsWith('sat_device='))!
        .split(';')[0]!;
      return ms;
    };
    const idle = [await ownerSignIn(), await ownerSignIn(), await ownerSignIn()].sort((a, b) => a - b)[1]!;

    let answered = 0;
    let reachedHundred: () => void = () => {};
    const hundred = new Promise<void>((resolve) => (reachedHundred = resolve));
    const flood = Array.from({ length: 1500 }, async (_, i) => {
      const res = await change(stolen, `guess-${i}-abcdefgh`);
      if (++answered === 100) reachedHundred();
      return res;
    });
    await hundred;
    const during = await ownerSignIn();
    const answers = await Promise.all(flood);
    const codes = tally(answers);
    t.diagnostic(
      `1,500 concurrent guesses: ${JSON.stringify(codes)}; owner's trusted sign-in idle ${idle.toFixed(0)} ms, during ${during.toFixed(0)} ms (ratio ${(during / idle).toFixed(1)})`,
    );
    assert.ok((await compared(user.id)) <= 5, `${await compared(user.id)} guesses compared`);
    assert.equal(answers.filter((a) => a.status === 400 || a.status === 204).length <= 5, true);
    assert.ok(
      answers.every((a) => [400, 401, 429].includes(a.status)),
      JSON.stringify(codes),
    );
    assert.equal(await signedIn(stolen), false, 'the session ended');
    // Before: 62 times as long (1.7 s against 27 ms), behind every guess let in before theirs.
    // Not yet on PostgreSQL (docs/proofs.md, "On PostgreSQL"): the flood's audit batches hold the owner back.
    const ratio = during / idle;
    if (TEST_BACKEND === 'postgresql' && ratio >= 15) t.todo(`on PostgreSQL the owner waited ${ratio.toFixed(1)} times as long`);
    else assert.ok(ratio < 15, `the owner waited ${ratio.toFixed(1)} times as long as on an idle console`);
    useSession(app.url, await signIn(app.url, OWNER.email, OWNER.password));
  },
);

test('the password lock is per user, kept in the database like the sign-in counters, and an unlock ends it', async () => {
  const user = await addUser(app, 'support');
  const s = await signIn(app.url, user.email, user.password);
  for (let i = 0; i < 5; i++) await change(s, `wrong-${i}-password`);
  const other = await signIn(app.url, user.email, user.password);
  assert.equal((await change(other, user.password)).status, 429);
  const bystander = await addUser(app, 'viewer');
  const b = await signIn(app.url, bystander.email, bystander.password);
  assert.equal((await change(b, bystander.password)).status, 204, 'another user is not locked');
  const row = await app.db.signInThrottle.findMany({ where: { scope: 'password' } });
  assert.ok(row.length >= 1, 'the counter is a database row like the sign-in counters');
  assert.equal((await http('POST', `${app.url}/api/users/${user.id}/unlock`, {})).status, 200);
  const after = await signIn(app.url, user.email, user.password);
  assert.equal((await change(after, user.password)).status, 204, 'the unlock ended the password lock too');
});
