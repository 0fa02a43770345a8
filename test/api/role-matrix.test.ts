// The role matrix, built from the route table: every /api route × {owner, admin, support with and without
// a grant, viewer, anonymous, valid key, revoked key, expired session} gets the status the role table
// says for the permission and provider scoping the route declares. The declarations themselves are pinned
// by test/helpers/api-routes.ts: a route added without being listed there fails the test, and so does a
// route whose declared permission or scoping changes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { OWNER, addUser, startTestConsole, type TestConsole } from '../helpers/console.js';
import { http, signIn, useSession, type SessionCredentials } from '../helpers/http.js';
import { expectedAccess } from '../helpers/access.js';
import type { Role } from '../../server/contract/permissions.js';
import type { Permission } from '../../server/contract/permissions.js';
import { API_ROUTES, PROVIDER_SCOPED } from '../helpers/api-routes.js';

type Who =
  | { name: string; kind: 'user'; role: Role; session: SessionCredentials; granted: boolean }
  | { name: string; kind: 'anonymous' | 'expired'; session?: SessionCredentials }
  | { name: string; kind: 'key'; key: string; valid: boolean };

let app: TestConsole;
let offsetMs = 0;
let demoId: string;
const people: Who[] = [];

async function invite(role: Role, providerIds: string[]): Promise<SessionCredentials> {
  const { email, password } = await addUser(app, role, providerIds);
  return signIn(app.url, email, password);
}

before(async () => {
  app = await startTestConsole({}, { now: () => Date.now() + offsetMs });
  demoId = (await http<{ id: string }[]>('GET', `${app.url}/api/providers`)).json[0]!.id;
  // A session that will be 31 minutes idle once the clock moves on.
  const stale = await invite('viewer', []);
  offsetMs = 31 * 60_000;
  const owner = await signIn(app.url, OWNER.email, OWNER.password);
  useSession(app.url, owner);
  people.push({ name: 'owner', kind: 'user', role: 'owner', session: owner, granted: true });
  people.push({ name: 'admin', kind: 'user', role: 'admin', session: await invite('admin', []), granted: true });
  people.push({ name: 'support with a grant', kind: 'user', role: 'support', session: await invite('support', [demoId]), granted: true });
  people.push({ name: 'support without a grant', kind: 'user', role: 'support', session: await invite('support', []), granted: false });
  people.push({ name: 'viewer', kind: 'user', role: 'viewer', session: await invite('viewer', []), granted: true });
  people.push({ name: 'anonymous', kind: 'anonymous' });
  people.push({ name: 'expired session', kind: 'expired', session: stale });
  const key = await http<{ key: string }>('POST', `${app.url}/api/api-keys`, { name: 'matrix', providerIds: [demoId] });
  const revoked = await http<{ key: string; apiKey: { id: string } }>('POST', `${app.url}/api/api-keys`, {
    name: 'revoked',
    providerIds: [demoId],
  });
  assert.equal((await http('POST', `${app.url}/api/api-keys/${revoked.json.apiKey.id}/revoke`, {})).status, 200);
  people.push({ name: 'valid API key', kind: 'key', key: key.json.key, valid: true });
  people.push({ name: 'revoked API key', kind: 'key', key: revoked.json.key, valid: false });
});
after(() => app?.stop());

/** What a principal should get: 'allowed' means anything but 401/403 (and never a 5xx). */
function expected(who: Who, permission: Permission, providerScoped: boolean): 'allowed' | 401 | 403 {
  return expectedAccess(who, permission, providerScoped);
}

function headersFor(who: Who, method: string): Record<string, string> {
  if (who.kind === 'key') return { cookie: '', authorization: `Bearer ${who.key}` };
  if (!who.session) return { cookie: '' };
  return { cookie: who.session.cookie, ...(method === 'GET' ? {} : { 'x-csrf-token': who.session.csrfToken }) };
}

test('every /api route is in the test table with the permission and provider scoping it declares', () => {
  const registered = app.app.registeredRoutes.filter((r) => r.url.startsWith('/api/'));
  const seen = Object.fromEntries(registered.map((r) => [`${r.method} ${r.url}`, r.permission]));
  assert.deepEqual(seen, API_ROUTES, 'a route added, removed or with another permission must be listed in test/helpers/api-routes.ts');
  const scoped = registered.filter((r) => r.providerScoped).map((r) => `${r.method} ${r.url}`);
  assert.deepEqual(
    scoped.sort(),
    [...PROVIDER_SCOPED].sort(),
    'a route that starts or stops being provider-scoped must be listed there too',
  );
});

test('every route × every principal gets the status the role table gives', async () => {
  const routes = app.app.registeredRoutes.filter((r) => r.url.startsWith('/api/'));
  // Signing out ends the session: do it last.
  routes.sort(
    (a, b) => Number(a.url === '/api/session' && a.method === 'DELETE') - Number(b.url === '/api/session' && b.method === 'DELETE'),
  );
  const failures: string[] = [];
  let checked = 0;
  for (const route of routes) {
    // What the route itself declares (checked against the table above), not a guess from its URL.
    const scoped = route.providerScoped;
    const permission = route.permission as Permission;
    // Provider routes get the demo provider (grants matter); everything else a random id (404 once allowed).
    const url = route.url
      .replace(':id', scoped || route.url.startsWith('/api/v1/') ? demoId : randomUUID())
      .replace(':jobId', randomUUID())
      .replace(':token', 'x'.repeat(30));
    const body = route.method === 'GET' || route.method === 'DELETE' ? undefined : {};
    for (const who of people) {
      const want = expected(who, permission, scoped);
      const res = await http(route.method, `${app.url}${url}`, body, headersFor(who, route.method));
      checked++;
      const ok = want === 'allowed' ? res.status !== 401 && res.status !== 403 && res.status < 500 : res.status === want;
      if (!ok) failures.push(`${route.method} ${route.url} as ${who.name}: expected ${want}, got ${res.status} ${res.text.slice(0, 120)}`);
      if (res.headers.get('cache-control') !== 'no-store')
        failures.push(`${route.method} ${route.url} as ${who.name}: cache-control ${res.headers.get('cache-control')}, not no-store`);
    }
  }
  assert.deepEqual(failures, []);
  assert.equal(checked, routes.length * people.length);
  assert.equal(routes.length, Object.keys(API_ROUTES).length, 'the whole API is covered');
});
