// The console over real HTTP: a temp SQLite file, the built-in emulator, and a standalone emulator as a
// "custom" upstream for the cases the built-in one cannot show (unknown provider, forbidden entity).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { verifyWithJwks } from '../helpers/verify-token.js';
import { startTestConsole, type TestConsole } from '../helpers/console.js';
import { startEmulator, scenario, type TestEmulator } from '../helpers/emulator.js';
import { http } from '../helpers/http.js';
import { providerName } from '../helpers/fixtures.js';

let app: TestConsole;
let emu: TestEmulator;
const s = scenario();

before(async () => {
  // The standalone emulator is a loopback upstream: allowed, as an operator would.
  app = await startTestConsole({ UPSTREAM_ALLOW_HOSTS: '127.0.0.1,localhost' });
  emu = await startEmulator({ ...s.config, control: true });
});
after(async () => {
  await app.stop();
  await emu.close();
});

const api = (path: string) => `${app.url}${path}`;

async function addCredential(over: Record<string, unknown> = {}) {
  return http<any>('POST', api('/api/credential-sets'), {
    name: `cred ${randomUUID()}`,
    clientId: s.admin.clientId,
    clientSecret: s.admin.clientSecret,
    upstreamUrl: emu.url,
    ...over,
  });
}

async function addProvider(credentialSetId: string, over: Record<string, unknown> = {}) {
  return http<any>('POST', api('/api/providers'), {
    name: s.provider.name,
    description: 'Kiosk trials',
    tokenDurationMin: s.provider.tokenDurationMinutes,
    entityLevel: 'account',
    entityId: s.accountId,
    credentialSetId,
    ...over,
  });
}

test('health answers 200 JSON and the OpenAPI document lists the console routes', async () => {
  const health = await http('GET', api('/api/health'));
  assert.equal(health.status, 200);
  assert.deepEqual(Object.keys(health.json as object).sort(), ['status', 'uptimeSeconds']);
  const doc = await http<{ paths: Record<string, unknown> }>('GET', api('/docs/json'));
  assert.equal(doc.status, 200);
  for (const path of ['/api/health', '/api/providers', '/api/providers/{id}/tokens', '/api/credential-sets'])
    assert.ok(doc.json.paths[path], path);
  assert.equal((await http('GET', api('/docs'))).status < 400, true);
});

test('the demo provider is seeded and mints a token that verifies against the emulator JWKS with exp − iat = duration', async () => {
  const providers = (await http<any[]>('GET', api('/api/providers'))).json;
  const demo = providers.find((p) => p.upstreamUrl === 'builtin:emulator');
  assert.ok(demo, 'demo provider listed');
  assert.match(demo.name, /^secure-anon-[0-9a-f-]{36}$/);
  assert.equal(demo.tokenUri, `${app.url}/emulator/v1/accounts/${demo.entityId}/secure-anonymous/${demo.name}/tokens`);
  const res = await http<any>('POST', api(`/api/providers/${demo.id}/tokens`), {
    first_name: 'Ann',
    email: 'ann@example.com',
    metadata: { a: { b: 'ü' } },
  });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  const jwks = (await http<{ keys: object[] }>('GET', api('/emulator/.well-known/jwks.json'))).json;
  const verified = await verifyWithJwks(res.json.token, jwks);
  assert.ok(verified.ok);
  assert.equal((verified.claims.exp as number) - (verified.claims.iat as number), demo.tokenDurationMin * 60);
  assert.deepEqual(verified.claims.metadata, { a: { b: 'ü' } });
  assert.deepEqual(res.json.claims, verified.claims);
  assert.equal(res.json.request.clientId, demo.clientId);
  assert.match(res.json.request.signaturePrefix, /^[0-9a-f]{8}$/, 'the signature debugger gets a prefix, never the signature');
});

test('a credential set and provider on a custom upstream mint through real HTTP', async () => {
  const cred = await addCredential();
  assert.equal(cred.status, 201);
  assert.deepEqual(Object.keys(cred.json).sort(), [
    'clientId',
    'createdAt',
    'entityId',
    'entityLevel',
    'id',
    'name',
    'notes',
    'providerCount',
    'secretFingerprint',
    'secretSetAt',
    'secretSetBy',
    'updatedAt',
    'upstreamUrl',
  ]);
  const prov = await addProvider(cred.json.id);
  assert.equal(prov.status, 201);
  assert.equal(prov.json.tokenUri, `${emu.url}/v1/accounts/${s.accountId}/secure-anonymous/${s.provider.name}/tokens`);
  const minted = await http<any>('POST', api(`/api/providers/${prov.json.id}/tokens`), {});
  assert.equal(minted.status, 200);
  assert.equal(minted.json.claims.provider, s.provider.name);
  const inUse = await http<any>('DELETE', api(`/api/credential-sets/${cred.json.id}`));
  assert.equal(inUse.status, 409);
  assert.equal(inUse.json.error, 'credential/in_use');
  assert.equal(inUse.json.providers[0].id, prov.json.id);
  assert.equal((await http('DELETE', api(`/api/providers/${prov.json.id}`))).status, 204);
  assert.deepEqual((await http('DELETE', api(`/api/credential-sets/${cred.json.id}`))).json, { deletedProviders: 0, movedProviders: 0 });
  assert.equal((await http('GET', api(`/api/credential-sets/${cred.json.id}`))).status, 404);
});

async function providerWith(credOver: Record<string, unknown>, provOver: Record<string, unknown> = {}) {
  const cred = await addCredential({ clientId: `${randomUUID()}.img.frame.nutanix.com`, ...credOver });
  assert.equal(cred.status, 201, cred.text);
  const prov = await addProvider(cred.json.id, { name: providerName(), ...provOver });
  assert.equal(prov.status, 201, prov.text);
  return prov.json.id as string;
}

test('upstream rejections come back as 4xx with the upstream reason', async (t) => {
  t.after(() => emu.faults.clear());
  // The emulator knows only s.admin and s.narrow; this provider exists there.
  emu.registry.upsertProvider({ ...s.provider });
  const badSecret = await providerWith(
    { clientId: s.admin.clientId, clientSecret: 'not-the-secret' },
    { name: s.provider.name.replace(/.$/, 'f') },
  );
  emu.registry.upsertProvider({ ...s.provider, name: s.provider.name.replace(/.$/, 'f') });
  const res = await http<any>('POST', api(`/api/providers/${badSecret}/tokens`), {});
  assert.equal(res.status, 422);
  assert.equal(res.json.error, 'upstream/bad_signature');
  assert.match(res.json.message, /check the client id and client secret/);
  assert.equal(res.json.upstream.status, 401);

  const unknown = await providerWith({ clientId: s.narrow.clientId, clientSecret: s.narrow.clientSecret }, { entityId: s.otherAccountId });
  const nf = await http<any>('POST', api(`/api/providers/${unknown}/tokens`), {});
  assert.equal(nf.status, 422);
  assert.equal(nf.json.error, 'upstream/unknown_provider');

  const narrowOnMain = await http<any>('POST', api('/api/credential-sets'), {
    name: `narrow ${randomUUID()}`,
    clientId: `${s.narrow.clientId}`,
    clientSecret: s.narrow.clientSecret,
    upstreamUrl: `${emu.url}/`,
  });
  assert.equal(narrowOnMain.status, 409, 'same client id on the same upstream is refused');
  const forbiddenCred = await http<any>('POST', api('/api/credential-sets'), {
    name: `narrow ${randomUUID()}`,
    clientId: s.narrow.clientId,
    clientSecret: s.narrow.clientSecret,
    upstreamUrl: emu.url.replace('127.0.0.1', 'localhost'),
  });
  assert.equal(forbiddenCred.status, 201);
  const forbiddenProv = await addProvider(forbiddenCred.json.id, { name: providerName() });
  const fb = await http<any>('POST', api(`/api/providers/${forbiddenProv.json.id}/tokens`), {});
  assert.equal(fb.status, 422);
  assert.equal(fb.json.error, 'upstream/forbidden');

  emu.faults.set({ clockOffsetSeconds: 600 });
  const mainProv = await providerWith(
    { clientId: s.admin.clientId, upstreamUrl: emu.url.replace('127.0.0.1', 'localhost') },
    { name: s.provider.name.replace(/.$/, 'e') },
  );
  emu.registry.upsertProvider({ ...s.provider, name: s.provider.name.replace(/.$/, 'e') });
  // Ten minutes of skew: the rejection's Date header teaches the offset and the one retry is signed with it.
  const stale = await http<any>('POST', api(`/api/providers/${mainProv}/tokens`), {});
  assert.equal(stale.status, 200, stale.text);
  assert.equal(stale.json.clockOffsetSeconds, 600);
  assert.ok(Math.abs(stale.json.request.timestamp - (Date.now() / 1000 + 600)) <= 2, 'signed with the upstream clock');
  assert.equal(stale.json.request.stringToSign.endsWith(s.admin.clientId), true);

  emu.faults.set({ forceStatus: 503 });
  const down = await http<any>('POST', api(`/api/providers/${mainProv}/tokens`), {});
  assert.equal(down.status, 502);
  assert.equal(down.json.error, 'upstream/upstream_error');
});

test('bad mint bodies are refused before any upstream call, field by field', async () => {
  const demo = (await http<any[]>('GET', api('/api/providers'))).json.find((p) => p.upstreamUrl === 'builtin:emulator');
  const url = api(`/api/providers/${demo.id}/tokens`);
  const cases: [unknown, RegExp, string][] = [
    ['{"first_name": ', /not valid JSON/, 'request/malformed_json'],
    [{ metadata: ['x'] }, /metadata must be a JSON object/, 'request/invalid'],
    [{ metadata: 'x' }, /metadata must be a JSON object/, 'request/invalid'],
    [
      { first_name: 1, email: false },
      /first_name must be a string, got a number; email must be a string, got a boolean/,
      'request/invalid',
    ],
    [{ email: 'nope' }, /email must look like name@example.com/, 'request/invalid'],
    [{ firstName: 'x' }, /unknown field "firstName"/, 'request/invalid'],
    ['[]', /the body must be a JSON object/, 'request/invalid'],
    ['{"__proto__": {"x": 1}}', /"__proto__" key/, 'request/invalid'],
  ];
  for (const [body, message, code] of cases) {
    const res = await http<any>('POST', url, body);
    assert.equal(res.status, 400, `${JSON.stringify(body)} → ${res.text}`);
    assert.equal(res.json.error, code);
    assert.match(res.json.message, message);
  }
  const wrongType = await http<any>('POST', url, 'first_name=x', { 'content-type': 'application/x-www-form-urlencoded' });
  assert.equal(wrongType.status, 415);
  const notFound = await http<any>('POST', api(`/api/providers/${randomUUID()}/tokens`), {});
  assert.equal(notFound.status, 404);
  assert.equal(notFound.json.error, 'provider/not_found');
  const badId = await http<any>('POST', api('/api/providers/not-a-uuid/tokens'), {});
  assert.equal(badId.status, 400);
  assert.match(badId.json.message, /must be a UUID/);
});

test('credential set and provider inputs are validated with actionable messages', async () => {
  const cases: [string, Record<string, unknown>, number, RegExp][] = [
    [
      '/api/credential-sets',
      { name: 'x', clientId: 'c', clientSecret: 'long-enough', upstreamUrl: 'http://frame.example.com' },
      400,
      /must use https/,
    ],
    [
      '/api/credential-sets',
      { name: 'x', clientId: 'c', clientSecret: 'short', upstreamUrl: 'builtin:emulator' },
      400,
      /clientSecret: must NOT have fewer than 8 characters/,
    ],
    [
      '/api/credential-sets',
      { name: 'x', clientId: 'c', clientSecret: 'long-enough', upstreamUrl: 'builtin:emulator', entityLevel: 'account' },
      400,
      /both the entity level and the entity id/,
    ],
    [
      '/api/credential-sets',
      { name: 'x', clientId: 'c', clientSecret: 'long-enough', upstreamUrl: 'builtin:emulator', secret: 'x' },
      400,
      /unknown field "secret"/,
    ],
    ['/api/credential-sets', { clientId: 'c', clientSecret: 'long-enough', upstreamUrl: 'builtin:emulator' }, 400, /name is required/],
    [
      '/api/providers',
      { tokenDurationMin: 4, entityLevel: 'account', entityId: randomUUID(), credentialSetId: randomUUID() },
      400,
      /tokenDurationMin: must be >= 5/,
    ],
    [
      '/api/providers',
      { tokenDurationMin: 481, entityLevel: 'account', entityId: randomUUID(), credentialSetId: randomUUID() },
      400,
      /tokenDurationMin: must be <= 480/,
    ],
    [
      '/api/providers',
      { description: 'd'.repeat(201), tokenDurationMin: 60, entityLevel: 'account', entityId: randomUUID(), credentialSetId: randomUUID() },
      400,
      /description: must NOT have more than 200 characters/,
    ],
    [
      '/api/providers',
      { name: 'my-provider', tokenDurationMin: 60, entityLevel: 'account', entityId: randomUUID(), credentialSetId: randomUUID() },
      400,
      /name: must be secure-anon-<uuid>/,
    ],
    [
      '/api/providers',
      { tokenDurationMin: 60, entityLevel: 'team', entityId: randomUUID(), credentialSetId: randomUUID() },
      400,
      /entityLevel/,
    ],
    [
      '/api/providers',
      { tokenDurationMin: 60, entityLevel: 'account', entityId: randomUUID(), credentialSetId: randomUUID() },
      400,
      /No credential set has id/,
    ],
  ];
  for (const [path, body, status, message] of cases) {
    const res = await http<any>('POST', api(path), body);
    assert.equal(res.status, status, `${JSON.stringify(body)} → ${res.text}`);
    assert.match(res.json.message, message);
  }
  const first = await addCredential({ name: 'Duplicate me', clientId: `${randomUUID()}.x` });
  assert.equal(first.status, 201);
  const dup = await addCredential({ name: 'Duplicate me', clientId: `${randomUUID()}.x` });
  assert.equal(dup.status, 409);
  assert.equal(dup.json.error, 'credential/duplicate_name');
  assert.deepEqual(dup.json.fields, [{ field: 'name', message: 'this name is taken' }]);
});

test('unknown routes give a JSON 404, and no request above produced a 5xx in the log', async () => {
  const res = await http<any>('GET', api('/api/nothing-here'));
  assert.equal(res.status, 404);
  assert.equal(res.json.error, 'route/not_found');
  const serverErrors = app
    .logs()
    .split('\n')
    .filter((l) => /"statusCode":5\d\d/.test(l) && !/"url":"\/emulator/.test(l));
  const own = serverErrors.filter((l) => /"res":\{"statusCode":50[0]/.test(l));
  assert.deepEqual(own, []);
});
