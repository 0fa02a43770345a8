// Sessions and sign-in hardening: CSRF on every state-changing route, idle and absolute expiry, the lock
// after 5 failures from one address, the same answer for unknown users, disable ends sessions at once, key
// revocation. The locks strangers cannot use as a weapon: sign-in-lockout.test.ts.
// test-runner: alone (it compares timings taken in one run; scripts/test.mjs runs it after the others, by itself)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { OWNER, addUser, startTestConsole, type TestConsole } from '../helpers/console.js';
import { storedData } from '../helpers/databases.js';
import { http, signIn, useSession, type SessionCredentials } from '../helpers/http.js';

let app: TestConsole;
let offsetMs = 0;
let demoId: string;

before(async () => {
  app = await startTestConsole({}, { now: () => Date.now() + offsetMs });
  demoId = (await http<{ id: string }[]>('GET', `${app.url}/api/providers`)).json[0]!.id;
});
after(() => app?.stop());

const newUser = (role: string, providerIds: string[] = []) => addUser(app, role, providerIds);

const as = (s: SessionCredentials, extra: Record<string, string> = {}) => ({ cookie: s.cookie, ...extra });

test('CSRF: every state-changing route refuses no token, a foreign token and a cross-site origin', async () => {
  const mine = app.owner;
  const other = await signIn(app.url, OWNER.email, OWNER.password);
  const changing = app.app.registeredRoutes.filter(
    (r) => r.url.startsWith('/api/') && !['GET', 'HEAD', 'OPTIONS'].includes(r.method) && r.permission !== 'broker:mint',
  );
  assert.ok(changing.length >= 25);
  const problems: string[] = [];
  for (const route of changing) {
    const url = `${app.url}${route.url.replace(':id', randomUUID()).replace(':jobId', randomUUID()).replace(':token', 'x'.repeat(30))}`;
    const body = route.method === 'DELETE' ? undefined : {};
    const cases: [string, Record<string, string>][] =
      route.permission === 'public'
        ? [
            ['cross-site origin', { cookie: '', origin: 'https://evil.example' }],
            ['cross-site fetch', { cookie: '', 'sec-fetch-site': 'cross-site' }],
          ]
        : [
            ['no token', as(mine)],
            ['a foreign token', as(mine, { 'x-csrf-token': other.csrfToken })],
            ['cross-site origin', as(mine, { 'x-csrf-token': mine.csrfToken, origin: 'https://evil.example' })],
            ['cross-site fetch', as(mine, { 'x-csrf-token': mine.csrfToken, 'sec-fetch-site': 'cross-site' })],
          ];
    for (const [name, headers] of cases) {
      const res = await http<{ error: string }>(route.method, url, body, headers);
      if (res.status !== 403 || res.json?.error !== 'auth/csrf')
        problems.push(`${route.method} ${route.url} with ${name}: ${res.status} ${res.text.slice(0, 100)}`);
    }
  }
  assert.deepEqual(problems, []);
  // The same request with the session's own token and origin goes through.
  const ok = await http(
    'POST',
    `${app.url}/api/providers/${demoId}/presets`,
    { name: 'csrf-ok', params: {} },
    as(mine, { 'x-csrf-token': mine.csrfToken, origin: app.url, 'sec-fetch-site': 'same-origin' }),
  );
  assert.equal(ok.status, 201, ok.text);
});

test('the session and device cookies are HttpOnly and SameSite=Strict, with a new id at each sign-in; token answers are no-store', async () => {
  const res = await http('POST', `${app.url}/api/session`, OWNER, { cookie: '' });
  const [cookie = '', device = ''] = res.headers.getSetCookie();
  assert.match(cookie, /^sat_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/);
  assert.match(
    device,
    /^sat_device=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=7776000$/,
    'the browser is trusted for 90 days',
  );
  const again = await http('POST', `${app.url}/api/session`, OWNER, { cookie: cookie.split(';')[0]! });
  assert.notEqual(again.headers.getSetCookie()[0]?.split(';')[0], cookie.split(';')[0]);
  const old = await http<{ signedIn: boolean }>('GET', `${app.url}/api/session`, undefined, { cookie: cookie.split(';')[0]! });
  assert.equal(old.json.signedIn, false, 'signing in again ends the session the browser had');
  assert.equal(res.headers.get('cache-control'), 'no-store');
  const minted = await http('POST', `${app.url}/api/providers/${demoId}/tokens`, {});
  assert.equal(minted.headers.get('cache-control'), 'no-store');
  // Behind a TLS proxy the cookie would be Secure with the __Host- prefix (TRUST_PROXY); never in plain http.
  assert.equal(cookie.includes('Secure') || device.includes('Secure'), false);
});

test('sessions end after 30 idle minutes and after 12 hours however active', async () => {
  const s = await signIn(app.url, OWNER.email, OWNER.password);
  const me = () => http<{ signedIn: boolean }>('GET', `${app.url}/api/session`, undefined, as(s));
  assert.equal((await me()).json.signedIn, true);
  offsetMs += 29 * 60_000;
  assert.equal((await me()).json.signedIn, true, '29 idle minutes: still alive');
  offsetMs += 31 * 60_000;
  assert.equal((await me()).json.signedIn, false, '31 idle minutes: gone');
  assert.equal((await http('GET', `${app.url}/api/providers`, undefined, as(s))).status, 401);

  const active = await signIn(app.url, OWNER.email, OWNER.password);
  for (let h = 0; h < 12 * 4; h++) {
    offsetMs += 15 * 60_000;
    const alive = (await http<{ signedIn: boolean }>('GET', `${app.url}/api/session`, undefined, as(active))).json.signedIn;
    if (h < 12 * 4 - 1) assert.equal(alive, true, `active for ${(h + 1) / 4} h`);
    else assert.equal(alive, false, 'ended at 12 h');
  }
  useSession(app.url, await signIn(app.url, OWNER.email, OWNER.password));
});

test('5 failures from one address lock the account there for 15 minutes, audited; unknown emails answer the same', async () => {
  const user = await newUser('viewer');
  const attempt = (email: string, password: string) =>
    http<{ error: string; message: string }>('POST', `${app.url}/api/session`, { email, password }, { cookie: '' });
  const unknown = `nobody-${randomUUID().slice(0, 8)}@example.test`;
  for (let i = 0; i < 4; i++) {
    const a = await attempt(user.email, 'wrong password here');
    const b = await attempt(unknown, 'wrong password here');
    assert.equal(a.status, 401);
    assert.deepEqual([b.status, b.json.error, b.json.message], [a.status, a.json.error, a.json.message], 'same answer for an unknown user');
  }
  const fifth = await attempt(user.email, 'wrong password here');
  assert.equal(fifth.status, 429);
  assert.equal(fifth.json.error, 'auth/locked');
  assert.ok(Number(fifth.headers.get('retry-after')) > 14 * 60);
  assert.equal((await attempt(unknown, 'wrong password here')).json.error, 'auth/locked', 'unknown emails lock alike');
  assert.equal((await attempt(user.email, user.password)).status, 429, 'even the right password waits');
  const audit = await http<{ action: string; detail: { email: string } }[]>('GET', `${app.url}/api/audit?action=auth.locked`);
  assert.equal(audit.json.filter((r) => r.detail.email === user.email).length, 1);
  offsetMs += 16 * 60_000;
  assert.equal((await attempt(user.email, user.password)).status, 200, 'unlocked after 15 minutes');
  useSession(app.url, await signIn(app.url, OWNER.email, OWNER.password));
});

test('unknown user and wrong password take similar time', async () => {
  const user = await newUser('viewer');
  const time = async (email: string) => {
    const t = performance.now();
    await http('POST', `${app.url}/api/session`, { email, password: 'not the password' }, { cookie: '', 'x-forwarded-for': randomUUID() });
    return performance.now() - t;
  };
  await time(user.email);
  let known = 0;
  let unknownTotal = 0;
  for (let i = 0; i < 3; i++) {
    known += await time(user.email);
    unknownTotal += await time(`ghost-${i}-${randomUUID().slice(0, 6)}@example.test`);
  }
  const ratio = known / unknownTotal;
  assert.ok(ratio > 0.5 && ratio < 2, `known ${known.toFixed(0)} ms vs unknown ${unknownTotal.toFixed(0)} ms`);
});

test('disabling a user ends their sessions at once; enabling does not bring them back', async () => {
  const user = await newUser('support', [demoId]);
  const s = await signIn(app.url, user.email, user.password);
  assert.equal((await http('GET', `${app.url}/api/providers`, undefined, as(s))).status, 200);
  assert.equal((await http('PATCH', `${app.url}/api/users/${user.id}`, { disabled: true })).status, 200);
  assert.equal((await http('GET', `${app.url}/api/providers`, undefined, as(s))).status, 401);
  assert.equal(
    (await http('POST', `${app.url}/api/session`, { email: user.email, password: user.password }, { cookie: '' })).status,
    401,
    'a disabled user cannot sign in',
  );
  assert.equal((await http('PATCH', `${app.url}/api/users/${user.id}`, { disabled: false })).status, 200);
  assert.equal((await http('GET', `${app.url}/api/providers`, undefined, as(s))).status, 401);
});

test('a revoked API key is refused on its very next request; scope, expiry and rate limit hold', async () => {
  const created = await http<{ key: string; apiKey: { id: string } }>('POST', `${app.url}/api/api-keys`, {
    name: 'script',
    providerIds: [demoId],
    rateLimitPerMinute: 3,
  });
  assert.equal(created.status, 201);
  const mint = (key: string, id = demoId) =>
    http<string>('POST', `${app.url}/api/v1/providers/${id}/tokens`, { first_name: 'Ada' }, { cookie: '', authorization: `Bearer ${key}` });
  const first = await mint(created.json.key);
  assert.equal(first.status, 200);
  assert.match(first.json, /^[\w-]+\.[\w-]+\.[\w-]+$/, 'the JWT as a JSON string, like Frame');
  assert.equal((await mint(created.json.key, randomUUID())).status, 403, 'not in scope');
  await mint(created.json.key);
  const limited = await mint(created.json.key);
  assert.equal(limited.status, 429);
  assert.ok(Number(limited.headers.get('retry-after')) >= 1);
  const refusals = await http<{ outcome: string; actor: string }[]>('GET', `${app.url}/api/audit?action=apikey.refused&actor=key:script`);
  assert.deepEqual(
    refusals.json.map((r) => r.outcome).sort(),
    ['auth/key_rate_limited', 'auth/not_granted'],
    'refused uses are on record too',
  );
  assert.equal((await http('POST', `${app.url}/api/api-keys/${created.json.apiKey.id}/revoke`, {})).status, 200);
  assert.equal((await mint(created.json.key)).status, 401);
  const listed = await http<{ id: string; state: string; prefix: string }[]>('GET', `${app.url}/api/api-keys`);
  const view = listed.json.find((k) => k.id === created.json.apiKey.id)!;
  assert.equal(view.state, 'revoked');
  assert.equal(listed.text.includes(created.json.key), false, 'the key is never shown again');

  const expiring = await http<{ key: string }>('POST', `${app.url}/api/api-keys`, {
    name: 'short',
    providerIds: [demoId],
    expiresAt: new Date(Date.now() + offsetMs + 60_000).toISOString(),
  });
  assert.equal((await mint(expiring.json.key)).status, 200);
  offsetMs += 2 * 60_000;
  assert.equal((await mint(expiring.json.key)).status, 401, 'expired');
});

test('passwords: too short, common, and the current one required to change it', async () => {
  const weak = ['short-pw', 'Password2024!', 'qwertyuiop123', 'aaaaaaaaaaaaaa', '123456789012'];
  for (const password of weak) {
    const inv = await http<{ token: string }>('POST', `${app.url}/api/users/invites`, {
      email: `w-${randomUUID().slice(0, 6)}@example.test`,
      role: 'viewer',
    });
    const res = await http<{ error: string }>('POST', `${app.url}/api/invites/accept`, { token: inv.json.token, password }, { cookie: '' });
    assert.equal(res.status, 400, password);
    assert.equal(res.json.error, 'auth/weak_password', password);
  }
  const user = await newUser('viewer');
  const s = await signIn(app.url, user.email, user.password);
  const other = await signIn(app.url, user.email, user.password);
  const change = (current: string, next: string) =>
    http<{ error: string }>(
      'PUT',
      `${app.url}/api/session/password`,
      { currentPassword: current, newPassword: next },
      as(s, { 'x-csrf-token': s.csrfToken }),
    );
  assert.equal((await change('not it at all', 'a brand new long passphrase')).json.error, 'auth/wrong_password');
  assert.equal((await change(user.password, 'password12345')).json.error, 'auth/weak_password');
  assert.equal((await change(user.password, 'a brand new long passphrase')).status, 204);
  assert.equal((await http('GET', `${app.url}/api/providers`, undefined, as(s))).status, 200, 'this session stays');
  assert.equal((await http('GET', `${app.url}/api/providers`, undefined, as(other))).status, 401, 'other sessions end');
  assert.equal(
    (await http('POST', `${app.url}/api/session`, { email: user.email, password: 'a brand new long passphrase' }, { cookie: '' })).status,
    200,
  );
});

test('the owner set-up is refused once an owner exists, and an invitation works once', async () => {
  const setup = await http<{ error: string }>(
    'POST',
    `${app.url}/api/setup`,
    { email: 'late@example.test', password: 'another long passphrase' },
    { cookie: '' },
  );
  assert.equal(setup.status, 409);
  assert.equal(setup.json.error, 'auth/setup_done');
  const inv = await http<{ token: string }>('POST', `${app.url}/api/users/invites`, {
    email: `once-${randomUUID().slice(0, 6)}@example.test`,
    role: 'viewer',
  });
  const accept = () =>
    http('POST', `${app.url}/api/invites/accept`, { token: inv.json.token, password: 'a long enough passphrase' }, { cookie: '' });
  assert.equal((await accept()).status, 200);
  assert.equal((await accept()).status, 410);
  assert.equal((await http('POST', `${app.url}/api/invites/lookup`, { token: inv.json.token }, { cookie: '' })).status, 410);
});

test('a password is found in no response, no log line and no database file', async () => {
  const password = `PASSWORD-CANARY-${randomUUID()}`;
  const user = await newUser('viewer');
  const s = await signIn(app.url, user.email, user.password);
  assert.equal(
    (
      await http(
        'PUT',
        `${app.url}/api/session/password`,
        { currentPassword: user.password, newPassword: password },
        as(s, { 'x-csrf-token': s.csrfToken }),
      )
    ).status,
    204,
  );
  assert.equal(
    (await http('POST', `${app.url}/api/session`, { email: user.email, password: 'wrong wrong wrong' }, { cookie: '' })).status,
    401,
  );
  const ok = await http('POST', `${app.url}/api/session`, { email: user.email, password }, { cookie: '' });
  assert.equal(ok.status, 200);
  assert.equal(ok.text.includes(password), false);
  assert.equal(app.logs().includes(password), false, 'not in the log');
  const audit = await http('GET', `${app.url}/api/audit.csv`);
  assert.equal(audit.text.includes(password), false, 'not in the audit log');
  const stored = await storedData(app.database);
  assert.ok(
    stored.some((s) => s.bytes.includes(user.email)),
    'the stored data was read',
  );
  for (const { name, bytes } of stored) assert.equal(bytes.includes(password), false, `not in ${name}`);
});

test('a console with no user asks for the set-up code from its log before it creates the owner', async () => {
  const fresh = await startTestConsole({ SAT_OWNER_EMAIL: '', SAT_OWNER_PASSWORD: '', SEED_DEMO: 'false' });
  try {
    assert.deepEqual(
      (await http<{ signedIn: boolean; needsSetup: boolean }>('GET', `${fresh.url}/api/session`, undefined, { cookie: '' })).json,
      { signedIn: false, needsSetup: true },
    );
    const line =
      fresh
        .logs()
        .split('\n')
        .find((l) => l.includes('set-up code')) ?? '';
    assert.match(line, /"level":40/, 'printed as a warning, so LOG_LEVEL=warn still shows it');
    const code = /set-up code ([0-9a-f-]{19})/.exec(line)![1]!;
    const owner = { email: 'first@example.test', password: 'the first owner passphrase' };
    const without = await http<{ error: string }>('POST', `${fresh.url}/api/setup`, owner, { cookie: '' });
    assert.deepEqual([without.status, without.json.error], [403, 'auth/setup_code']);
    const wrong = await http<{ error: string }>(
      'POST',
      `${fresh.url}/api/setup`,
      { ...owner, setupCode: code.replace(/.$/, (c) => (c === '0' ? '1' : '0')) },
      { cookie: '' },
    );
    assert.equal(wrong.status, 403);
    const ok = await http<{ signedIn: boolean; user: { role: string } }>(
      'POST',
      `${fresh.url}/api/setup`,
      { ...owner, setupCode: code.toUpperCase() },
      { cookie: '' },
    );
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual([ok.json.signedIn, ok.json.user.role], [true, 'owner']);
    assert.equal(
      (
        await http(
          'POST',
          `${fresh.url}/api/setup`,
          { email: 'second@example.test', password: 'the second owner passphrase', setupCode: code },
          { cookie: '' },
        )
      ).status,
      409,
      'one owner set-up, once',
    );
  } finally {
    await fresh.stop();
  }
});
