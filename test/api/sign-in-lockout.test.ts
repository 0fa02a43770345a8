// F5: a lock a stranger cannot use as a weapon. A browser that signed in before (device cookie) keeps
// signing in whatever strangers do from other addresses; untrusted attempts are limited per (account,
// address) and by an account-wide lock that grows; owners and admins unlock, and so does the CLI.
// Brute force stays impractical: the guesses an attacker gets per hour are counted with the service clock
// moved forward (no sleeps). Client addresses come from X-Forwarded-For (TRUST_PROXY), as behind a proxy.
import { test, before, beforeEach, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { OWNER, addUser, databaseEnv, startTestConsole, type TestConsole } from '../helpers/console.js';
import { http, signIn, useSession, type JsonResponse } from '../helpers/http.js';

let app: TestConsole;
let offsetMs = 0;
let addressCount = 0;

before(async () => {
  app = await startTestConsole({ TRUST_PROXY: 'true', SEED_DEMO: 'false' }, { now: () => Date.now() + offsetMs });
});
after(() => app?.stop());
// The clock moves between tests: each starts with a fresh owner session.
beforeEach(() => asOwner());

const MINUTE = 60_000;
/** A client address no earlier attempt used (a stranger with as many addresses as they like). */
const freshAddress = () => {
  const n = ++addressCount;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
};

type Answer = JsonResponse<{ error?: string; message?: string }>;

function attempt(email: string, password: string, address: string, cookie = ''): Promise<Answer> {
  return http('POST', `${app.url}/api/session`, { email, password }, { cookie, 'x-forwarded-for': address });
}

/** The device cookie ("name=value") a successful sign-in set, or '' when none. */
function deviceCookieOf(res: Answer): string {
  const set = res.headers.getSetCookie().find((c) => /^(__Host-)?sat_device=/.test(c));
  return set ? set.split(';')[0]! : '';
}

/** Signs in as a browser does the first time; returns the device cookie it was given. */
async function signInBrowser(email: string, password: string, address: string, cookie = ''): Promise<string> {
  const res = await attempt(email, password, address, cookie);
  assert.equal(res.status, 200, res.text);
  return deviceCookieOf(res);
}

async function strangerFails(email: string, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    const res = await attempt(email, `not-the-password-${i}`, freshAddress());
    assert.ok(res.status === 401 || res.status === 429, res.text);
  }
}

/** The owner's session again (the clock moves; the helper's session may have gone idle). */
async function asOwner(): Promise<void> {
  useSession(app.url, await signIn(app.url, OWNER.email, OWNER.password));
}

test("a stranger's 50 wrong passwords from 50 addresses do not stop the owner of the account on a browser that signed in before", async () => {
  const user = await addUser(app, 'admin');
  const browser = await signInBrowser(user.email, user.password, '192.0.2.10');
  assert.match(browser, /^sat_device=[A-Za-z0-9_-]{43}$/, 'a successful sign-in leaves a device cookie');

  await strangerFails(user.email, 50);
  const owner = await attempt(user.email, user.password, '192.0.2.10', browser);
  assert.equal(owner.status, 200, `the owner's browser is let in: ${owner.text}`);
  const again = await attempt(user.email, user.password, '198.51.100.7', deviceCookieOf(owner));
  assert.equal(again.status, 200, 'from another address too: the browser is trusted, not the address');

  const newBrowser = await attempt(user.email, user.password, freshAddress());
  assert.deepEqual(
    [newBrowser.status, newBrowser.json.error],
    [429, 'auth/locked'],
    'a browser never seen before waits: the stranger could be anywhere',
  );
  assert.match(newBrowser.json.message ?? '', /browser you signed in with before/);
});

test("a stranger's 5 wrong passwords from other addresses lock no one out, not even a new browser", async () => {
  const user = await addUser(app, 'support');
  await strangerFails(user.email, 5);
  const res = await attempt(user.email, user.password, freshAddress());
  assert.equal(res.status, 200, res.text);
});

test('5 failures from one address lock that address out of the account for 15 minutes, and no other', async () => {
  const user = await addUser(app, 'viewer');
  const address = freshAddress();
  const answers: (string | undefined)[] = [];
  for (let i = 0; i < 6; i++) answers.push((await attempt(user.email, 'wrong wrong wrong', address)).json.error);
  assert.deepEqual(answers, [...Array(4).fill('auth/invalid_credentials'), 'auth/locked', 'auth/locked']);
  const locked = await attempt(user.email, user.password, address);
  assert.equal(locked.status, 429, 'even the right password waits at that address');
  assert.ok(Number(locked.headers.get('retry-after')) > 14 * 60);
  assert.equal((await attempt(user.email, user.password, freshAddress())).status, 200, 'another address is not locked');
  offsetMs += 16 * MINUTE;
  assert.equal((await attempt(user.email, user.password, address)).status, 200, 'the address may try again after 15 minutes');
});

test('a browser stops being trusted after 5 wrong passwords, and its cookie changes at every sign-in', async () => {
  const user = await addUser(app, 'viewer');
  const first = await signInBrowser(user.email, user.password, '192.0.2.20');
  const second = await signInBrowser(user.email, user.password, '192.0.2.20', first);
  assert.notEqual(second, first, 'a new device cookie at every sign-in');
  await strangerFails(user.email, 12);
  assert.equal((await attempt(user.email, user.password, '192.0.2.20', first)).status, 429, 'a replaced device cookie is not trusted');

  for (let i = 0; i < 5; i++) {
    const res = await attempt(user.email, `guess-${i}`, '192.0.2.20', second);
    assert.deepEqual(
      [res.status, res.json.error],
      [401, 'auth/invalid_credentials'],
      'a trusted browser is not locked by its own few failures',
    );
  }
  const after5 = await attempt(user.email, user.password, '192.0.2.20', second);
  assert.deepEqual(
    [after5.status, after5.json.error],
    [429, 'auth/locked'],
    'after 5 failures the browser is an untrusted one, and the account is locked for those',
  );
  const audit = await http<{ action: string; detail: { email?: string } }[]>('GET', `${app.url}/api/audit?action=auth.device_distrusted`);
  assert.equal(audit.json.filter((r) => r.detail.email === user.email).length, 1, 'on record once');
});

/**
 * Simulated attack: every `stepMinutes`, guesses until refused. Returns the minute of every guess the
 * console compared with the password, from the audit log (one auth.sign_in row each: the guess that sets
 * a lock is answered auth/locked, but it was compared all the same).
 */
async function simulate(email: string, hours: number, stepMinutes: number, address: () => string): Promise<number[]> {
  const start = offsetMs;
  const startedAt = Date.now() + offsetMs - 1000;
  for (let minute = 0; minute < hours * 60; minute += stepMinutes) {
    offsetMs = start + minute * MINUTE;
    for (let i = 0; i < 12; i++) {
      const res = await attempt(email, `guess-${minute}-${i}`, address());
      if (res.status === 429) break;
      assert.equal(res.json.error, 'auth/invalid_credentials', res.text);
    }
  }
  offsetMs = start + hours * 60 * MINUTE;
  const rows = await app.db.auditEvent.findMany({
    where: { action: 'auth.sign_in', detail: { contains: `"${email}"` } },
    select: { at: true, outcome: true },
  });
  assert.ok(rows.every((r) => r.outcome === 'auth/invalid_credentials' || r.outcome === 'auth/locked'));
  return rows.map((r) => Math.floor((r.at.getTime() - startedAt) / MINUTE));
}

const within = (guesses: number[], fromHour: number, toHour: number) => guesses.filter((m) => m >= fromHour * 60 && m < toHour * 60).length;

test('guesses per account: 30 in the first hour, 70 in the first day, then 10 a day, with as many addresses as wanted', async (t) => {
  const user = await addUser(app, 'owner');
  const guesses = await simulate(user.email, 72, 5, freshAddress);
  const figures = {
    firstHour: within(guesses, 0, 1),
    firstDay: within(guesses, 0, 24),
    secondDay: within(guesses, 24, 48),
    thirdDay: within(guesses, 48, 72),
  };
  t.diagnostic(`guesses with any number of addresses: ${JSON.stringify(figures)}`);
  assert.deepEqual(figures, { firstHour: 30, firstDay: 70, secondDay: 10, thirdDay: 10 });
});

test('guesses per account from one address: 20 in the first hour, then no more than from many addresses', async (t) => {
  const user = await addUser(app, 'owner');
  const address = freshAddress();
  const guesses = await simulate(user.email, 72, 5, () => address);
  const figures = {
    firstHour: within(guesses, 0, 1),
    firstDay: within(guesses, 0, 24),
    secondDay: within(guesses, 24, 48),
    thirdDay: within(guesses, 48, 72),
  };
  t.diagnostic(`guesses from one address: ${JSON.stringify(figures)}`);
  assert.deepEqual(figures, { firstHour: 20, firstDay: 70, secondDay: 10, thirdDay: 10 });
});

test('50 concurrent guesses from 50 addresses: no more than 10 are evaluated before the lock', async (t) => {
  const user = await addUser(app, 'viewer');
  const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => attempt(user.email, `parallel-${i}`, freshAddress())));
  const evaluated = answers.filter((a) => a.json.error === 'auth/invalid_credentials').length;
  t.diagnostic(`50 concurrent guesses: ${evaluated} answered invalid_credentials`);
  assert.ok(evaluated <= 10, `${evaluated} guesses evaluated`);
  assert.ok(answers.every((a) => a.json.error === 'auth/invalid_credentials' || a.json.error === 'auth/locked'));
  offsetMs += 25 * 3_600_000;
});

test('an owner sees a locked user and unlocks them (audited); an admin cannot unlock an owner', async () => {
  const target = await addUser(app, 'owner');
  const admin = await addUser(app, 'admin');
  const adminSession = await signIn(app.url, admin.email, admin.password);
  await strangerFails(target.email, 10);
  const listed = (await http<{ id: string; lockedUntil: string | null }[]>('GET', `${app.url}/api/users`)).json.find(
    (u) => u.id === target.id,
  )!;
  assert.ok(listed.lockedUntil && Date.parse(listed.lockedUntil) > Date.now() + offsetMs, 'the users list shows the lock');
  assert.equal((await attempt(target.email, target.password, freshAddress())).status, 429);

  const refused = await http<{ error: string }>(
    'POST',
    `${app.url}/api/users/${target.id}/unlock`,
    {},
    { cookie: adminSession.cookie, 'x-csrf-token': adminSession.csrfToken },
  );
  assert.deepEqual([refused.status, refused.json.error], [403, 'auth/forbidden']);
  const unlocked = await http<{ lockedUntil: string | null }>('POST', `${app.url}/api/users/${target.id}/unlock`, {});
  assert.equal(unlocked.status, 200, unlocked.text);
  assert.equal(unlocked.json.lockedUntil, null);
  assert.equal((await attempt(target.email, target.password, freshAddress())).status, 200, 'the unlock ends the lock');
  const audit = await http<{ actor: string; target: string; outcome: string; detail: { email: string } }[]>(
    'GET',
    `${app.url}/api/audit?action=user.unlocked`,
  );
  assert.deepEqual(
    audit.json.filter((r) => r.target === target.id).map((r) => [r.actor, r.outcome]),
    [[OWNER.email, 'ok']],
  );
});

test('npm run unlock -- <email> unlocks a locked account while the console runs, audited as system', async () => {
  const user = await addUser(app, 'owner');
  await strangerFails(user.email, 10);
  assert.equal((await attempt(user.email, user.password, freshAddress())).status, 429);
  const env = { ...process.env, DATA_DIR: app.dataDir, ...(await databaseEnv(app.dataDir)) };
  const cli = (email: string) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'server/cli/unlock.ts', email], {
      env,
      encoding: 'utf8',
    });
  const run = cli(` ${user.email.toUpperCase()} `);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /unlocked/);
  assert.equal((await attempt(user.email, user.password, freshAddress())).status, 200, 'the running console sees the unlock at once');
  const audit = await http<{ actor: string; detail: { email: string; via: string } }[]>('GET', `${app.url}/api/audit?action=user.unlocked`);
  assert.deepEqual(
    audit.json.filter((r) => r.detail.email === user.email).map((r) => [r.actor, r.detail.via]),
    [['system', 'cli']],
  );
  const unknown = cli(`nobody-${randomUUID().slice(0, 6)}@example.test`);
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /no account/);
});

test('behind a TLS proxy the device cookie is Secure with the __Host- prefix, and is trusted as such', async () => {
  const user = await addUser(app, 'viewer');
  const tls = { 'x-forwarded-proto': 'https' };
  const first = await http(
    'POST',
    `${app.url}/api/session`,
    { email: user.email, password: user.password },
    { cookie: '', 'x-forwarded-for': '192.0.2.30', ...tls },
  );
  assert.equal(first.status, 200, first.text);
  const device = first.headers.getSetCookie().find((c) => c.startsWith('__Host-sat_device='))!;
  assert.match(device, /^__Host-sat_device=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=7776000; Secure$/);
  await strangerFails(user.email, 12);
  const owner = await http(
    'POST',
    `${app.url}/api/session`,
    { email: user.email, password: user.password },
    { cookie: device.split(';')[0]!, 'x-forwarded-for': '192.0.2.30', ...tls },
  );
  assert.equal(owner.status, 200, owner.text);
});

test('behind a TLS proxy the plain sat_session and sat_device cookies are not read: a sibling subdomain cannot toss them in', async () => {
  const user = await addUser(app, 'viewer');
  const tls = { 'x-forwarded-proto': 'https', 'x-forwarded-for': '192.0.2.40' };
  const first = await http('POST', `${app.url}/api/session`, { email: user.email, password: user.password }, { cookie: '', ...tls });
  assert.equal(first.status, 200, first.text);
  const value = (name: string) =>
    first.headers
      .getSetCookie()
      .find((c) => c.startsWith(`__Host-${name}=`))!
      .split(';')[0]!
      .split('=')[1]!;
  const [session, device] = [value('sat_session'), value('sat_device')];

  // A session cookie under the plain name (which any sibling subdomain can set) opens no session over https.
  const tossed = await http<{ signedIn: boolean }>('GET', `${app.url}/api/session`, undefined, {
    cookie: `sat_session=${session}`,
    ...tls,
  });
  assert.equal(tossed.json.signedIn, false, 'the plain sat_session cookie is ignored over https');
  assert.equal((await http('GET', `${app.url}/api/providers`, undefined, { cookie: `sat_session=${session}`, ...tls })).status, 401);
  assert.equal(
    (await http<{ signedIn: boolean }>('GET', `${app.url}/api/session`, undefined, { cookie: `__Host-sat_session=${session}`, ...tls }))
      .json.signedIn,
    true,
    'the __Host- one is',
  );

  // Nor does a device cookie under the plain name make a browser trusted.
  await strangerFails(user.email, 12);
  const plainDevice = await http<{ error: string }>(
    'POST',
    `${app.url}/api/session`,
    { email: user.email, password: user.password },
    { cookie: `sat_device=${device}`, ...tls },
  );
  assert.deepEqual(
    [plainDevice.status, plainDevice.json.error],
    [429, 'auth/locked'],
    'the plain sat_device cookie is not trusted over https',
  );
  const hostDevice = await http(
    'POST',
    `${app.url}/api/session`,
    { email: user.email, password: user.password },
    { cookie: `__Host-sat_device=${device}`, ...tls },
  );
  assert.equal(hostDevice.status, 200, hostDevice.text);
});
