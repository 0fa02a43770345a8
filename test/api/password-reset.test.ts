// Admin-issued one-time password-reset links (defect 3): an owner or admin issues a link for a user who cannot
// sign in; using it sets the password, ends every session of the user and their sign-in lock, and is audited.
// The link works once, expires after 24 hours (an injected clock moves time), is replaced by a newer one, and
// follows the rule of disabling: owners for anyone, admins for support and viewer users, nobody for themselves.
// The token is in the answer that issued it and nowhere else: no other answer, no log line (trace), no audit
// row, no database file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { OWNER, addUser, startTestConsole, type TestConsole } from '../helpers/console.js';
import { storedData } from '../helpers/databases.js';
import { http, seenBodies, signIn, type SessionCredentials } from '../helpers/http.js';

let app: TestConsole;
let offsetMs = 0;
const issued: string[] = [];

before(async () => {
  app = await startTestConsole({ LOG_LEVEL: 'trace', TRUST_PROXY: 'true', SEED_DEMO: 'false' }, { now: () => Date.now() + offsetMs });
});
after(() => app?.stop());

const as = (s: SessionCredentials) => ({ cookie: s.cookie, 'x-csrf-token': s.csrfToken });
const newPassword = () => `reset-${randomUUID()}`;

async function issue(userId: string, by?: SessionCredentials): Promise<{ status: number; token: string; error?: string }> {
  const res = await http<{ token: string; email: string; expiresAt: string; error?: string }>(
    'POST',
    `${app.url}/api/users/${userId}/password-reset`,
    {},
    by ? as(by) : {},
  );
  if (res.status === 201) issued.push(res.json.token);
  return { status: res.status, token: res.json.token, ...(res.json.error ? { error: res.json.error } : {}) };
}
const lookup = (token: string) =>
  http<{ email: string; error: string }>('POST', `${app.url}/api/password-resets/lookup`, { token }, { cookie: '' });
const use = (token: string, password: string) =>
  http<{ error: string }>('POST', `${app.url}/api/password-resets/use`, { token, password }, { cookie: '' });
const sessionWorks = async (s: SessionCredentials) =>
  (await http<{ signedIn: boolean }>('GET', `${app.url}/api/session`, undefined, { cookie: s.cookie })).json.signedIn;

test('a reset link sets the password once, ends every session and the sign-in lock, and is audited without its token', async () => {
  const user = await addUser(app, 'support');
  const sessions = [await signIn(app.url, user.email, user.password), await signIn(app.url, user.email, user.password)];
  // A stranger fails 12 times from 12 addresses: the account is locked for browsers not used with it.
  for (let i = 0; i < 12; i++)
    await http(
      'POST',
      `${app.url}/api/session`,
      { email: user.email, password: `guess ${i}` },
      { cookie: '', 'x-forwarded-for': `198.51.100.${i + 1}` },
    );
  const listed = async () =>
    (await http<{ id: string; lockedUntil: string | null }[]>('GET', `${app.url}/api/users`)).json.find((u) => u.id === user.id)!;
  assert.notEqual((await listed()).lockedUntil, null, 'the account is locked');

  const { status, token } = await issue(user.id);
  assert.equal(status, 201);
  assert.match(token, /^[A-Za-z0-9_-]{43}$/);
  const info = await lookup(token);
  assert.deepEqual([info.status, info.json.email], [200, user.email]);
  assert.ok(await sessionWorks(sessions[0]!), 'issuing a link alone changes nothing for the user');

  const weak = await use(token, 'short');
  assert.deepEqual([weak.status, weak.json.error], [400, 'auth/weak_password'], 'the same password rules as elsewhere');
  const password = newPassword();
  const used = await use(token, password);
  assert.equal(used.status, 204, used.text);

  for (const s of sessions) assert.equal(await sessionWorks(s), false, 'every session of the user ended');
  assert.equal((await listed()).lockedUntil, null, 'the lock ended');
  await assert.rejects(signIn(app.url, user.email, user.password), 'the old password no longer works');
  const fresh = await signIn(app.url, user.email, password);
  assert.ok(await sessionWorks(fresh), 'the new password signs in, from a new browser too');

  const again = await use(token, newPassword());
  assert.deepEqual([again.status, again.json.error], [410, 'reset/invalid'], 'a second use is refused');
  assert.equal((await lookup(token)).status, 410);

  const rows = (
    await http<{ action: string; target: string; outcome: string; detail: Record<string, unknown> }[]>(
      'GET',
      `${app.url}/api/audit?limit=500`,
    )
  ).json.filter((r) => r.target === user.id && r.action.startsWith('user.password_reset'));
  assert.deepEqual(
    rows.map((r) => [r.action, r.outcome]).sort(),
    [
      ['user.password_reset', 'ok'],
      ['user.password_reset_issued', 'ok'],
    ],
    'the issue and the use; refusals (weak password, used link) are checked before anything is written',
  );
  const done = rows.find((r) => r.action === 'user.password_reset' && r.outcome === 'ok')!;
  // Three: the two above and the one accepting the invitation made.
  assert.deepEqual([done.detail.email, done.detail.sessionsEnded], [user.email, 3]);
});

test('a link expires after 24 hours (injected clock)', async () => {
  const user = await addUser(app, 'viewer');
  const { token } = await issue(user.id);
  offsetMs += 24 * 3_600_000 + 1000;
  try {
    assert.equal((await lookup(token)).status, 410);
    const res = await use(token, newPassword());
    assert.deepEqual([res.status, res.json.error], [410, 'reset/invalid']);
  } finally {
    offsetMs = 0;
  }
  await signIn(app.url, user.email, user.password);
});

test('a new link replaces the unused older one', async () => {
  const user = await addUser(app, 'viewer');
  const first = await issue(user.id);
  const second = await issue(user.id);
  assert.equal((await use(first.token, newPassword())).status, 410);
  assert.equal((await use(second.token, newPassword())).status, 204);
});

test('who may issue: owners anyone, admins support and viewers, support nobody, nobody themselves, not for a disabled user', async () => {
  const admin = await addUser(app, 'admin');
  const otherAdmin = await addUser(app, 'admin');
  const support = await addUser(app, 'support');
  const viewer = await addUser(app, 'viewer');
  const adminSession = await signIn(app.url, admin.email, admin.password);
  const supportSession = await signIn(app.url, support.email, support.password);
  const ownerId = (await http<{ id: string; email: string }[]>('GET', `${app.url}/api/users`)).json.find(
    (u) => u.email === OWNER.email,
  )!.id;

  assert.equal((await issue(viewer.id, supportSession)).status, 403, 'a support user cannot issue');
  assert.deepEqual(await issue(otherAdmin.id, adminSession).then((r) => [r.status, r.error]), [403, 'auth/forbidden']);
  assert.equal((await issue(ownerId, adminSession)).status, 403, 'an admin cannot reset an owner');
  assert.equal((await issue(admin.id, adminSession)).status, 403, 'not for oneself');
  assert.equal((await issue(ownerId)).status, 403, 'not even an owner for themselves');
  const byAdmin = await issue(viewer.id, adminSession);
  assert.equal(byAdmin.status, 201);
  assert.equal((await issue(otherAdmin.id)).status, 201, 'an owner resets an admin');

  // The link is only as good as its issuer: once the admin is disabled, it stops working.
  assert.equal((await http('PATCH', `${app.url}/api/users/${admin.id}`, { disabled: true })).status, 200);
  assert.equal((await use(byAdmin.token, newPassword())).status, 410);

  assert.equal((await http('PATCH', `${app.url}/api/users/${viewer.id}`, { disabled: true })).status, 200);
  assert.deepEqual(await issue(viewer.id).then((r) => [r.status, r.error]), [409, 'user/disabled']);
});

test('canary: each reset token is only in the answer that issued it: no other answer, log line, audit row or database file', async () => {
  const audit = await http('GET', `${app.url}/api/audit?limit=500`);
  const csv = await http('GET', `${app.url}/api/audit.csv`);
  assert.deepEqual([audit.status, csv.status], [200, 200]);
  assert.ok(issued.length >= 6, `tokens were issued (${issued.length})`);
  assert.ok(app.logs().includes('incoming request'), 'the request log is on (trace)');
  await app.close();
  const stored = await storedData(app.database);
  assert.ok(
    stored.some((s) => s.bytes.includes(OWNER.email)),
    'the stored data was read',
  );
  for (const token of issued) {
    assert.equal(seenBodies.filter((b) => b.includes(token)).length, 1, 'the token is in exactly one answer: the one that issued it');
    assert.equal(app.logs().includes(token), false, 'a log line holds a reset token');
    for (const { name, bytes } of stored) assert.equal(bytes.includes(token), false, `${name} holds a reset token`);
  }
});
