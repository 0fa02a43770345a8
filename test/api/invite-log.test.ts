// F4: invitation tokens never reach the request log. The invite flow is driven as the invite page drives it,
// with the log at its most verbose (trace), and the captured log is searched for the token. The request
// log also redacts token-shaped URL parts, so a client that still puts a token in a URL (an old link, a
// script) does not put it in the log either.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { addUser, startTestConsole, type TestConsole } from '../helpers/console.js';
import { REDACTED } from '../../server/http/log-redaction.js';
import { http, signIn } from '../helpers/http.js';
import { tokenUrls } from '../helpers/token-urls.js';
import { providerName } from '../helpers/fixtures.js';

let app: TestConsole;

before(async () => {
  app = await startTestConsole({ LOG_LEVEL: 'trace', SEED_DEMO: 'false' });
});
after(() => app?.stop());

/** Every occurrence of a needle in the log, with the line it is on (for the failure message). */
function inLog(needle: string): string[] {
  return app
    .logs()
    .split('\n')
    .filter((line) => line.includes(needle));
}

async function invite(role = 'admin'): Promise<{ token: string; email: string }> {
  const email = `invitee-${randomUUID().slice(0, 8)}@example.test`;
  const res = await http<{ token: string }>('POST', `${app.url}/api/users/invites`, { email, role });
  assert.equal(res.status, 201, res.text);
  return { token: res.json.token, email };
}

test('the invite flow (look up, accept, accept again) leaves no invitation token in the trace-level log', async () => {
  const { token, email } = await invite();
  const info = await http<{ email: string; role: string }>('POST', `${app.url}/api/invites/lookup`, { token }, { cookie: '' });
  assert.equal(info.status, 200, info.text);
  assert.deepEqual([info.json.email, info.json.role], [email, 'admin']);
  const weak = await http<{ error: string }>('POST', `${app.url}/api/invites/accept`, { token, password: 'short' }, { cookie: '' });
  assert.equal(weak.json.error, 'auth/weak_password');
  const accepted = await http<{ signedIn: boolean }>(
    'POST',
    `${app.url}/api/invites/accept`,
    { token, password: 'an invitee passphrase', name: 'Ivy' },
    { cookie: '' },
  );
  assert.equal(accepted.status, 200, accepted.text);
  assert.equal(accepted.json.signedIn, true);
  const again = await http<{ error: string }>(
    'POST',
    `${app.url}/api/invites/accept`,
    { token, password: 'an invitee passphrase' },
    { cookie: '' },
  );
  assert.deepEqual([again.status, again.json.error], [410, 'invite/invalid']);
  assert.equal((await http('POST', `${app.url}/api/invites/lookup`, { token }, { cookie: '' })).status, 410);

  assert.ok(inLog('incoming request').length > 5, 'the request log is on (trace)');
  assert.deepEqual(inLog(token), [], 'the token is in no log line');
});

test('no route takes a token in its path or query string', () => {
  const routes = app.app.registeredRoutes.filter((r) => r.url.startsWith('/api/'));
  const withToken = routes.filter(
    (r) =>
      /:(token|key|secret|code)\b/i.test(r.url) || JSON.stringify(r.schema?.querystring ?? {}).match(/"(token|key|secret|password|code)"/i),
  );
  assert.deepEqual(
    withToken.map((r) => `${r.method} ${r.url}`),
    [],
  );
});

test('a token put in a URL anyway (old invitation routes, a query parameter, an API key) is redacted in the request log', async () => {
  const { token } = await invite('viewer');
  const key = `satk_${randomBytes(6).toString('hex')}_${randomBytes(32).toString('base64url')}`;
  const loose = randomBytes(24).toString('base64url');
  await http('GET', `${app.url}/api/invites/${token}`, undefined, { cookie: '' });
  await http('POST', `${app.url}/api/invites/${token}/accept`, { password: 'an invitee passphrase' }, { cookie: '' });
  await http('GET', `${app.url}/api/users?token=${token}&page=2`, undefined, { cookie: '' });
  await http('GET', `${app.url}/api/providers?x=${encodeURIComponent(key)}`, undefined, { cookie: '' });
  await http('GET', `${app.url}/some/spa/path/${loose}`, undefined, { cookie: '' });
  for (const secret of [token, key, loose]) assert.deepEqual(inLog(secret), [], 'no secret in the log');
  const redacted = inLog('[REDACTED]').filter((l) => l.includes('incoming request'));
  assert.ok(
    redacted.some((l) => l.includes('"url":"/api/invites/[REDACTED]/accept"')),
    'the path keeps its shape',
  );
  assert.ok(
    redacted.some((l) => l.includes('"url":"/api/users?token=[REDACTED]&page=2"')),
    'other query parameters stay',
  );
  // An invitation whose token was only ever in a redacted URL can still be accepted by its invitee.
  assert.equal(
    (await http('POST', `${app.url}/api/invites/accept`, { token, password: 'an invitee passphrase' }, { cookie: '' })).status,
    200,
  );
});

test('the 38 URL shapes of the red-team pass (token after ; : ~ . %20 +, in a redirect, encoded, behind Bearer) leave no live secret in the log', async () => {
  const { token } = await invite('admin');
  const cred = await http<{ id: string }>('POST', `${app.url}/api/credential-sets`, {
    name: 'Log',
    clientId: `${randomUUID()}.img.frame.nutanix.com`,
    clientSecret: randomBytes(20).toString('hex'),
    upstreamUrl: 'builtin:emulator',
  });
  const provider = await http<{ id: string }>('POST', `${app.url}/api/providers`, {
    name: providerName(),
    tokenDurationMin: 30,
    entityLevel: 'account',
    entityId: randomUUID(),
    credentialSetId: cred.json.id,
  });
  const created = await http<{ key: string }>('POST', `${app.url}/api/api-keys`, { name: 'log', providerIds: [provider.json.id] });
  assert.equal(created.status, 201, created.text);
  const key = created.json.key;
  const user = await addUser(app, 'viewer');
  const session = (await signIn(app.url, user.email, user.password)).cookie.split('=')[1]!;
  const jwt = `eyJhbGciOiJSUzI1NiJ9.${randomBytes(40).toString('base64url')}.${randomBytes(64).toString('base64url')}`;
  const urls = tokenUrls({ token, key, session, jwt, providerId: provider.json.id });
  for (const url of urls) await http('GET', `${app.url}${url}`, undefined, { cookie: '' });
  const secrets = {
    invitation: token,
    'API key': key,
    session,
    jwt,
    'invitation (first half)': token.slice(0, 21),
    'invitation (second half)': token.slice(21),
  };
  const leaks = Object.entries(secrets).flatMap(([name, value]) => inLog(value).map((line) => `${name}: ${line.slice(0, 200)}`));
  assert.deepEqual(leaks, [], `a secret in the log (${leaks.length} lines)`);
  assert.ok(inLog('incoming request').filter((l) => l.includes(REDACTED)).length >= urls.length - 1, 'each request was logged, redacted');
  // The invitation whose token was only in redacted URLs can still be accepted by its invitee.
  assert.equal(
    (await http('POST', `${app.url}/api/invites/accept`, { token, password: 'an invitee passphrase' }, { cookie: '' })).status,
    200,
  );
});
