// The sweep of issue 13: as each role and with an API key, every route is called with a valid request. Then
//  - every answer, the trace log and every export are searched for a real Frame signature of the console's
//    keys, a token minted by someone else, and invitation tokens, API keys, session and device cookies;
//  - every answer of 2xx from a route that reads a token, calls the upstream or changes state has its own
//    audit row (found by the X-Request-Id the answer carries).
// A route added without a request here fails the test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { addUser, startTestConsole, type TestConsole } from '../helpers/console.js';
import { http, signIn, type JsonResponse } from '../helpers/http.js';
import { providerName } from '../helpers/fixtures.js';
import { finishedJob } from '../helpers/bulk.js';
import { expectedAccess } from '../helpers/access.js';
import type { Role } from '../../server/contract/permissions.js';
import type { Permission } from '../../server/contract/permissions.js';

const OPS = randomBytes(24).toString('hex');
const JWT = /eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g;
const startedAt = Math.floor(Date.now() / 1000);

let app: TestConsole;
const keys: { clientId: string; secret: string }[] = [];
let providerA: string;

/** What each request of the sweep needs, made fresh for each principal by the owner. */
interface Fixture {
  credentialId: string;
  spareProviderId: string;
  presetId: string;
  userId: string;
  apiKeyId: string;
  inviteToken: string;
  /** A second pending invitation (viewer), to revoke. */
  revocableInviteId: string;
  /** A third pending invitation (viewer), to re-issue. */
  reissuableInviteId: string;
  /** A password-reset link for the managed user (userId). */
  resetToken: string;
  jobId: string | null;
  historyId: string | null;
  token: string | null;
}

interface Principal {
  name: string;
  role: Role | null;
  headers: Record<string, string>;
  email?: string;
  password?: string;
}

interface Call {
  method: string;
  path: string;
  body?: unknown;
  /** Said when a valid request still does not answer 2xx (the owner exists already, say). */
  expect?: number;
  /** Sent instead of the principal's own (a sign-in from a fresh browser keeps the principal's session). */
  headers?: Record<string, string>;
}

/** One valid request per route; the order is the order of the sweep (sign out last). */
const REQUESTS: Record<string, (f: Fixture, p: Principal) => Call> = {
  'GET /api/health': () => ({ method: 'GET', path: '/api/health' }),
  'GET /api/ready': () => ({ method: 'GET', path: '/api/ready' }),
  'GET /api/ready/detail': () => ({ method: 'GET', path: '/api/ready/detail' }),
  'GET /api/metrics': () => ({ method: 'GET', path: '/api/metrics' }),
  'GET /api/session': () => ({ method: 'GET', path: '/api/session' }),
  'POST /api/setup': () => ({
    method: 'POST',
    path: '/api/setup',
    body: { email: 'late@example.test', password: 'a-long-enough-password-1', setupCode: '0000' },
    expect: 409,
  }),
  'POST /api/invites/lookup': (f) => ({ method: 'POST', path: '/api/invites/lookup', body: { token: f.inviteToken } }),
  'POST /api/invites/accept': (f) => ({
    method: 'POST',
    path: '/api/invites/accept',
    body: { token: f.inviteToken, password: `pw-${randomUUID()}` },
    headers: { cookie: '' },
  }),
  // Looked up and used before the owner's or an admin's request below issues a newer link (which voids it).
  'POST /api/password-resets/lookup': (f) => ({ method: 'POST', path: '/api/password-resets/lookup', body: { token: f.resetToken } }),
  'POST /api/password-resets/use': (f) => ({
    method: 'POST',
    path: '/api/password-resets/use',
    body: { token: f.resetToken, password: `pw-${randomUUID()}` },
    headers: { cookie: '' },
  }),
  'GET /api/users': () => ({ method: 'GET', path: '/api/users' }),
  'POST /api/users/invites': () => ({
    method: 'POST',
    path: '/api/users/invites',
    body: { email: `sweep-${randomUUID().slice(0, 8)}@example.test`, role: 'viewer' },
  }),
  'GET /api/users/invites': () => ({ method: 'GET', path: '/api/users/invites' }),
  'POST /api/users/invites/:id/revoke': (f) => ({ method: 'POST', path: `/api/users/invites/${f.revocableInviteId}/revoke`, body: {} }),
  'PATCH /api/users/:id': (f) => ({ method: 'PATCH', path: `/api/users/${f.userId}`, body: { name: 'Swept' } }),
  'PUT /api/users/:id/grants': (f) => ({ method: 'PUT', path: `/api/users/${f.userId}/grants`, body: { providerIds: [] } }),
  'POST /api/users/:id/unlock': (f) => ({ method: 'POST', path: `/api/users/${f.userId}/unlock`, body: {} }),
  'POST /api/users/:id/password-reset': (f) => ({ method: 'POST', path: `/api/users/${f.userId}/password-reset`, body: {} }),
  'POST /api/users/invites/:id/reissue': (f) => ({ method: 'POST', path: `/api/users/invites/${f.reissuableInviteId}/reissue`, body: {} }),
  'GET /api/api-keys': () => ({ method: 'GET', path: '/api/api-keys' }),
  'POST /api/api-keys': () => ({
    method: 'POST',
    path: '/api/api-keys',
    body: { name: `sweep ${randomUUID().slice(0, 6)}`, providerIds: [providerA] },
  }),
  'POST /api/api-keys/:id/revoke': (f) => ({ method: 'POST', path: `/api/api-keys/${f.apiKeyId}/revoke`, body: {} }),
  'GET /api/audit': () => ({ method: 'GET', path: '/api/audit?limit=200' }),
  'GET /api/audit.csv': () => ({ method: 'GET', path: '/api/audit.csv' }),
  'GET /api/audit/verify': () => ({ method: 'GET', path: '/api/audit/verify' }),
  'GET /api/audit/settings': () => ({ method: 'GET', path: '/api/audit/settings' }),
  'PUT /api/audit/settings': () => ({ method: 'PUT', path: '/api/audit/settings', body: { retentionDays: 365 } }),
  'POST /api/providers/:id/tokens': () => ({
    method: 'POST',
    path: `/api/providers/${providerA}/tokens?keepToken=true`,
    body: { email: 'sweep@example.com' },
  }),
  'POST /api/v1/providers/:id/tokens': () => ({
    method: 'POST',
    path: `/api/v1/providers/${providerA}/tokens`,
    body: { email: 'broker@example.com' },
  }),
  'POST /api/providers/:id/signature-check': (f) => ({
    method: 'POST',
    path: `/api/providers/${providerA}/signature-check`,
    body: { token: f.token ?? 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2ln' },
  }),
  'POST /api/providers/:id/assertions': (f) => ({
    method: 'POST',
    path: `/api/providers/${providerA}/assertions`,
    body: { token: f.token ?? 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2ln' },
  }),
  'POST /api/providers/:id/signature-compare': () => ({
    method: 'POST',
    path: `/api/providers/${providerA}/signature-compare`,
    body: { timestamp: String(Math.floor(Date.now() / 1000)), signature: '0'.repeat(64) },
  }),
  'GET /api/history': () => ({ method: 'GET', path: '/api/history' }),
  'GET /api/history/:id/token': (f) => ({ method: 'GET', path: `/api/history/${f.historyId ?? randomUUID()}/token` }),
  'POST /api/providers/:id/bulk': () => ({ method: 'POST', path: `/api/providers/${providerA}/bulk`, body: { count: 3, concurrency: 1 } }),
  'GET /api/bulk-jobs': () => ({ method: 'GET', path: '/api/bulk-jobs' }),
  'GET /api/bulk/:jobId': (f) => ({ method: 'GET', path: `/api/bulk/${f.jobId ?? randomUUID()}` }),
  'GET /api/bulk/:jobId/results': (f) => ({ method: 'GET', path: `/api/bulk/${f.jobId ?? randomUUID()}/results?format=json` }),
  'POST /api/bulk/:jobId/cancel': (f) => ({ method: 'POST', path: `/api/bulk/${f.jobId ?? randomUUID()}/cancel`, body: {} }),
  'GET /api/quota': () => ({ method: 'GET', path: '/api/quota' }),
  'GET /api/credential-sets': () => ({ method: 'GET', path: '/api/credential-sets' }),
  'GET /api/credential-sets/:id': (f) => ({ method: 'GET', path: `/api/credential-sets/${f.credentialId}` }),
  'POST /api/credential-sets': () => ({ method: 'POST', path: '/api/credential-sets', body: credentialBody() }),
  'PATCH /api/credential-sets/:id': (f) => ({ method: 'PATCH', path: `/api/credential-sets/${f.credentialId}`, body: { notes: 'swept' } }),
  'PUT /api/credential-sets/:id/secret': (f) => ({
    method: 'PUT',
    path: `/api/credential-sets/${f.credentialId}/secret`,
    body: { clientSecret: secretOf(f.credentialId) },
  }),
  'POST /api/credential-sets/:id/verify': (f) => ({ method: 'POST', path: `/api/credential-sets/${f.credentialId}/verify`, body: {} }),
  'GET /api/providers': () => ({ method: 'GET', path: '/api/providers' }),
  'GET /api/provider-tags': () => ({ method: 'GET', path: '/api/provider-tags' }),
  'GET /api/providers/:id': () => ({ method: 'GET', path: `/api/providers/${providerA}` }),
  'POST /api/providers': (f) => ({
    method: 'POST',
    path: '/api/providers',
    body: { name: providerName(), tokenDurationMin: 30, entityLevel: 'account', entityId: randomUUID(), credentialSetId: f.credentialId },
  }),
  'PATCH /api/providers/:id': (f) => ({ method: 'PATCH', path: `/api/providers/${f.spareProviderId}`, body: { description: 'swept' } }),
  'GET /api/meta': () => ({ method: 'GET', path: '/api/meta' }),
  'GET /api/providers/:id/presets': () => ({ method: 'GET', path: `/api/providers/${providerA}/presets` }),
  'POST /api/providers/:id/presets': () => ({
    method: 'POST',
    path: `/api/providers/${providerA}/presets`,
    body: { name: `Sweep ${randomUUID().slice(0, 6)}`, params: { first_name: 'S' } },
  }),
  'DELETE /api/presets/:id': (f) => ({ method: 'DELETE', path: `/api/presets/${f.presetId}` }),
  'GET /api/export': () => ({ method: 'GET', path: '/api/export' }),
  'POST /api/import': () => ({ method: 'POST', path: '/api/import', body: { file: exported, secrets: {} } }),
  'DELETE /api/providers/:id': (f) => ({ method: 'DELETE', path: `/api/providers/${f.spareProviderId}` }),
  'DELETE /api/credential-sets/:id': (f) => ({ method: 'DELETE', path: `/api/credential-sets/${f.credentialId}?providers=delete` }),
  'POST /api/session': (_f, p) => ({
    method: 'POST',
    path: '/api/session',
    body: { email: p.email ?? 'nobody@example.test', password: p.password ?? 'not-a-password' },
    headers: { cookie: '' },
    ...(p.email ? {} : { expect: 401 }),
  }),
  'PUT /api/session/password': (_f, p) => ({
    method: 'PUT',
    path: '/api/session/password',
    body: { currentPassword: p.password ?? 'x', newPassword: `new-${randomUUID()}` },
  }),
  'DELETE /api/session': () => ({ method: 'DELETE', path: '/api/session' }),
};

/** Routes that read a token, call the upstream or change state: each 2xx answer has its audit row. */
const AUDITED = new Set([
  ...Object.keys(REQUESTS).filter(
    (r) => !r.startsWith('GET ') && r !== 'POST /api/invites/lookup' && r !== 'POST /api/password-resets/lookup',
  ),
  'GET /api/history/:id/token',
  'GET /api/bulk/:jobId/results',
  'GET /api/export',
]);

let exported: unknown;
const secrets = new Map<string, string>();
const secretOf = (credentialId: string) => secrets.get(credentialId)!;

function credentialBody() {
  const key = { clientId: `${randomUUID()}.img.frame.nutanix.com`, secret: randomBytes(20).toString('hex') };
  keys.push(key);
  return { name: `Sweep ${randomUUID().slice(0, 8)}`, clientId: key.clientId, clientSecret: key.secret, upstreamUrl: 'builtin:emulator' };
}

async function newCredential(): Promise<string> {
  const body = credentialBody();
  const res = await http<{ id: string }>('POST', `${app.url}/api/credential-sets`, body);
  assert.equal(res.status, 201, res.text);
  secrets.set(res.json.id, body.clientSecret);
  return res.json.id;
}

async function newProvider(credentialSetId: string): Promise<string> {
  const res = await http<{ id: string }>('POST', `${app.url}/api/providers`, {
    name: providerName(),
    tokenDurationMin: 30,
    entityLevel: 'account',
    entityId: randomUUID(),
    credentialSetId,
    tags: ['sweep'],
  });
  assert.equal(res.status, 201, res.text);
  return res.json.id;
}

before(async () => {
  app = await startTestConsole({ LOG_LEVEL: 'trace', SEED_DEMO: 'false', OPS_TOKEN: OPS });
  providerA = await newProvider(await newCredential());
  exported = (await http('GET', `${app.url}/api/export`)).json;
});
after(() => app?.stop());

function expected(p: Principal, permission: Permission): 'allowed' | 401 | 403 {
  if (p.role) return expectedAccess({ kind: 'user', role: p.role }, permission);
  return expectedAccess(p.headers.authorization ? { kind: 'key', valid: true } : { kind: 'anonymous' }, permission);
}

test(
  "every route, as each role and an API key: no signature, no one else's token, no invitation token leaks; every audited action has its row",
  { timeout: 300_000 },
  async (t) => {
    const registered = app.app.registeredRoutes.filter((r) => r.url.startsWith('/api/')).map((r) => `${r.method} ${r.url}`);
    assert.deepEqual(
      [...registered].sort(),
      Object.keys(REQUESTS).sort(),
      'a route without a request in the sweep (or a request for a route that is gone)',
    );
    const permissions = new Map(app.app.registeredRoutes.map((r) => [`${r.method} ${r.url}`, r.permission as Permission]));

    const principals: Principal[] = [];
    // A second owner: the first one (app.owner) makes the fixtures and reads the exports at the end.
    const people: [string, Role, string[]][] = [
      ['owner', 'owner', []],
      ['admin', 'admin', []],
      ['support', 'support', [providerA]],
      ['viewer', 'viewer', []],
    ];
    for (const [name, role, grants] of people) {
      const user = await addUser(app, role, grants);
      const session = await signIn(app.url, user.email, user.password);
      principals.push({
        name,
        role,
        headers: { cookie: session.cookie, 'x-csrf-token': session.csrfToken },
        email: user.email,
        password: user.password,
      });
    }
    const key = await http<{ key: string }>('POST', `${app.url}/api/api-keys`, { name: 'sweep broker', providerIds: [providerA] });
    principals.push({ name: 'API key', role: null, headers: { cookie: '', authorization: `Bearer ${key.json.key}` } });
    principals.push({ name: 'anonymous', role: null, headers: { cookie: '' } });

    const answers = new Map<string, JsonResponse[]>();
    const mintedBy = new Map<string, string>();
    const inviteTokens: { token: string; createdIn: string }[] = [];
    const bearers: string[] = [
      key.json.key,
      app.owner.cookie.split('=')[1]!,
      ...principals.map((p) => p.headers.cookie?.split('=')[1] ?? '').filter(Boolean),
    ];
    const audited: { principal: string; route: string; requestId: string }[] = [];
    const wrongStatus: string[] = [];

    for (const p of principals) {
      const fixtureCredential = await newCredential();
      const spare = await newProvider(fixtureCredential);
      const preset = await http<{ id: string }>('POST', `${app.url}/api/providers/${providerA}/presets`, {
        name: `Fixture ${randomUUID().slice(0, 6)}`,
        params: {},
      });
      const managed = await addUser(app, 'viewer');
      const apiKey = await http<{ apiKey: { id: string }; key: string }>('POST', `${app.url}/api/api-keys`, {
        name: `fixture ${randomUUID().slice(0, 6)}`,
        providerIds: [providerA],
      });
      bearers.push(apiKey.json.key);
      const invite = await http<{ token: string }>('POST', `${app.url}/api/users/invites`, {
        email: `fixture-${randomUUID().slice(0, 8)}@example.test`,
        role: 'viewer',
      });
      inviteTokens.push({ token: invite.json.token, createdIn: "the owner's fixtures" });
      const revocable = await http<{ id: string; token: string }>('POST', `${app.url}/api/users/invites`, {
        email: `fixture-${randomUUID().slice(0, 8)}@example.test`,
        role: 'viewer',
      });
      inviteTokens.push({ token: revocable.json.token, createdIn: "the owner's fixtures" });
      const reissuable = await http<{ id: string; token: string }>('POST', `${app.url}/api/users/invites`, {
        email: `fixture-${randomUUID().slice(0, 8)}@example.test`,
        role: 'viewer',
      });
      inviteTokens.push({ token: reissuable.json.token, createdIn: "the owner's fixtures" });
      const reset = await http<{ token: string }>('POST', `${app.url}/api/users/${managed.id}/password-reset`, {});
      inviteTokens.push({ token: reset.json.token, createdIn: "the owner's fixtures" });
      const f: Fixture = {
        credentialId: fixtureCredential,
        spareProviderId: spare,
        presetId: preset.json.id,
        userId: managed.id,
        apiKeyId: apiKey.json.apiKey.id,
        inviteToken: invite.json.token,
        revocableInviteId: revocable.json.id,
        reissuableInviteId: reissuable.json.id,
        resetToken: reset.json.token,
        jobId: null,
        historyId: null,
        token: null,
      };
      const mine: JsonResponse[] = [];
      answers.set(p.name, mine);

      for (const route of Object.keys(REQUESTS)) {
        const call = REQUESTS[route]!(f, p);
        const res = await http<Record<string, unknown>>(call.method, `${app.url}${call.path}`, call.body, {
          ...(call.headers ?? p.headers),
        });
        mine.push(res);
        const want = expected(p, permissions.get(route)!);
        const ok =
          want === 'allowed'
            ? res.status === (call.expect ?? res.status) && (call.expect !== undefined || (res.status >= 200 && res.status < 300))
            : res.status === want;
        if (!ok)
          wrongStatus.push(
            `${p.name} ${route}: expected ${want === 'allowed' ? (call.expect ?? '2xx') : want}, got ${res.status} ${res.text.slice(0, 160)}`,
          );
        if (res.status >= 200 && res.status < 300) {
          if (AUDITED.has(route)) audited.push({ principal: p.name, route, requestId: res.headers.get('x-request-id') ?? '' });
          // What the next requests of this principal use, and whose tokens are whose.
          if (route === 'POST /api/providers/:id/tokens') {
            f.token = res.json.token as string;
            f.historyId = res.json.historyId as string;
          }
          if (route === 'POST /api/v1/providers/:id/tokens') f.token = JSON.parse(res.text) as string;
          if (route === 'POST /api/providers/:id/bulk') {
            f.jobId = res.json.id as string;
            await finishedJob(app.url, f.jobId, { ...p.headers });
          }
          if (route === 'POST /api/users/invites' || route === 'POST /api/users/invites/:id/reissue')
            inviteTokens.push({ token: res.json.token as string, createdIn: `${p.name}'s invite answer` });
          if (route === 'POST /api/users/:id/password-reset')
            inviteTokens.push({ token: res.json.token as string, createdIn: `${p.name}'s reset answer` });
          if (route === 'POST /api/api-keys') bearers.push(res.json.key as string);
          const cookie = res.headers.get('set-cookie');
          if (cookie)
            bearers.push(
              ...cookie
                .split(/,(?=\s*[\w-]+=)/)
                .map((c) => c.split(';')[0]!.split('=')[1]!)
                .filter((v) => v && v.length >= 20),
            );
          for (const jwt of minted(route, res)) if (!mintedBy.has(jwt)) mintedBy.set(jwt, p.name);
        }
      }
    }
    assert.deepEqual(wrongStatus, [], 'every principal gets what the role table gives, and valid requests succeed');

    // Exports read by the owner at the end hold every action above.
    const exports = [
      ...(await Promise.all(['/api/export', '/api/audit.csv', '/docs/json'].map((path) => http('GET', `${app.url}${path}`)))),
      ...(await Promise.all(
        ['/api/ready/detail', '/api/metrics'].map((path) =>
          http('GET', `${app.url}${path}`, undefined, { cookie: '', authorization: `Bearer ${OPS}` }),
        ),
      )),
    ];
    assert.deepEqual(
      exports.map((r) => r.status),
      [200, 200, 200, 200, 200],
    );
    const logs = app.logs();

    // 1. No real signature of any key of the console, anywhere.
    const real = new Set<string>();
    for (const { clientId, secret } of keys)
      for (let t = startedAt - 1000; t <= Math.floor(Date.now() / 1000) + 1000; t++)
        real.add(createHmac('sha256', secret).update(`${t}${clientId}`).digest('hex'));
    const texts: [string, string][] = [
      ...[...answers].flatMap(([who, list]) => list.map((r): [string, string] => [who, r.text])),
      ...exports.map((r): [string, string] => ['export', r.text]),
      ['log', logs],
    ];
    const signatures = texts.flatMap(([where, text]) =>
      (text.match(/[0-9a-fA-F]{64}/g) ?? []).filter((h) => real.has(h.toLowerCase())).map(() => where),
    );
    assert.deepEqual(signatures, [], 'a real signature left the console');

    // 2. No one sees a token someone else minted (the log and the exports hold none at all).
    const foreign: string[] = [];
    for (const [who, list] of answers)
      for (const r of list)
        for (const jwt of r.text.match(JWT) ?? [])
          if (mintedBy.get(jwt) !== who) foreign.push(`${who} saw a token of ${mintedBy.get(jwt) ?? 'nobody known'}`);
    for (const [where, text] of texts.filter(([w]) => w === 'export' || w === 'log'))
      if (JWT.test(text)) foreign.push(`the ${where} holds a token`);
    assert.deepEqual(foreign, []);
    assert.ok(mintedBy.size >= 8, `tokens were minted (${mintedBy.size})`);

    // 3. Invitation and password-reset tokens only in the answer that made them; API keys, session and device cookies in no log or export.
    const invites: string[] = [];
    for (const { token, createdIn } of inviteTokens) {
      const holders = texts.filter(([, text]) => text.includes(token)).length;
      if (holders > (createdIn.endsWith(' answer') ? 1 : 0))
        invites.push(`an invitation or password-reset token (made in ${createdIn}) is in ${holders} texts`);
    }
    assert.deepEqual(invites, []);
    for (const bearer of bearers)
      for (const [where, text] of texts.filter(([w]) => w === 'export' || w === 'log'))
        assert.equal(text.includes(bearer), false, `a key or cookie value is in the ${where}`);

    // 4. Every 2xx of an audited route has its audit row, found by the request id its answer carries.
    const rows = new Set<string | null>();
    for await (const r of app.services.audit.iterate({})) rows.add(r.requestId);
    const missing = audited.filter((a) => !a.requestId || !rows.has(a.requestId)).map((a) => `${a.principal} ${a.route} (${a.requestId})`);
    assert.deepEqual(missing, [], 'an audited action without its row');
    t.diagnostic(
      `${principals.length} principals × ${Object.keys(REQUESTS).length} routes; ${audited.length} audited answers, each with its row; ${mintedBy.size} tokens minted; ${real.size} possible signatures searched in ${texts.length} texts; ${inviteTokens.length} invitation tokens and ${bearers.length} keys and cookies searched`,
    );
    const covered = new Set(audited.map((a) => a.route));
    assert.deepEqual(
      [...AUDITED].filter((r) => !covered.has(r) && r !== 'POST /api/setup'),
      [],
      'every audited route was seen succeeding at least once',
    );
  },
);

/** The tokens an answer hands its caller as minted by them. */
function minted(route: string, res: JsonResponse<Record<string, unknown>>): string[] {
  if (
    ![
      'POST /api/providers/:id/tokens',
      'POST /api/v1/providers/:id/tokens',
      'GET /api/bulk/:jobId/results',
      'GET /api/history/:id/token',
    ].includes(route)
  )
    return [];
  return res.text.match(JWT) ?? [];
}
