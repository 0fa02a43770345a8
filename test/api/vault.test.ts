// The admin side over real HTTP: every credential-set and provider route, with its bad inputs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startTestConsole, type TestConsole } from '../helpers/console.js';
import { startEmulator, scenario, type TestEmulator } from '../helpers/emulator.js';
import { http } from '../helpers/http.js';
import { providerName } from '../helpers/fixtures.js';

let app: TestConsole;
let emu: TestEmulator;
const s = scenario();

before(async () => {
  app = await startTestConsole({ SEED_DEMO: 'false', UPSTREAM_ALLOW_HOSTS: '127.0.0.1,localhost' });
  emu = await startEmulator(s.config);
});
after(async () => {
  await app.stop();
  await emu.close();
});

const api = (path: string) => `${app.url}${path}`;

async function credential(over: Record<string, unknown> = {}) {
  const res = await http<any>('POST', api('/api/credential-sets'), {
    name: `c-${randomUUID()}`,
    clientId: `${randomUUID()}.img.frame.nutanix.com`,
    clientSecret: 'builtin-secret-1',
    upstreamUrl: 'builtin:emulator',
    ...over,
  });
  assert.equal(res.status, 201, res.text);
  return res.json;
}

async function provider(credentialSetId: string, over: Record<string, unknown> = {}) {
  const res = await http<any>('POST', api('/api/providers'), {
    tokenDurationMin: 60,
    entityLevel: 'account',
    entityId: randomUUID(),
    credentialSetId,
    ...over,
  });
  assert.equal(res.status, 201, res.text);
  return res.json;
}

test('meta lists the upstream presets, levels and duration limits', async () => {
  const meta = (await http<any>('GET', api('/api/meta'))).json;
  assert.deepEqual(
    meta.upstreams.map((u: any) => u.url),
    ['https://api.console.nutanix.com', 'https://api.staging.frame.nutanix.com', 'builtin:emulator'],
  );
  assert.deepEqual(meta.entityLevels, ['account', 'organization', 'customer']);
  assert.deepEqual(meta.tokenDuration, { min: 5, max: 480 });
  assert.equal(meta.builtinEmulatorUrl, `${app.url}/emulator`);
});

test('PATCH changes a credential set but never its secret; rotation changes only the secret', async () => {
  const c = await credential();
  const p = await provider(c.id);
  const patched = await http<any>('PATCH', api(`/api/credential-sets/${c.id}`), {
    name: 'Renamed',
    notes: 'ops team',
    entityLevel: 'account',
    entityId: p.entityId,
  });
  assert.equal(patched.status, 200);
  assert.equal(patched.json.name, 'Renamed');
  assert.equal(patched.json.secretFingerprint, c.secretFingerprint);
  assert.equal((await http('POST', api(`/api/providers/${p.id}/tokens`), {})).status, 200, 'the scope covers the provider');

  const rotated = await http<any>('PUT', api(`/api/credential-sets/${c.id}/secret`), { clientSecret: 'builtin-secret-2' });
  assert.equal(rotated.status, 200);
  assert.notEqual(rotated.json.secretFingerprint, c.secretFingerprint);
  assert.ok(Date.parse(rotated.json.secretSetAt) >= Date.parse(c.secretSetAt));
  for (const k of ['name', 'clientId', 'upstreamUrl', 'notes', 'entityLevel', 'entityId'])
    assert.deepEqual(rotated.json[k], patched.json[k], k);
  assert.equal((await http('POST', api(`/api/providers/${p.id}/tokens`), {})).status, 200, 'the built-in emulator learnt the new secret');

  const bad: [string, string, unknown, number, RegExp][] = [
    ['PATCH', `/api/credential-sets/${c.id}`, { clientSecret: 'sneaky-new-secret' }, 400, /only with a new client id or upstream.*PUT/],
    ['PATCH', `/api/credential-sets/${c.id}`, {}, 400, /must NOT have fewer than 1 properties/],
    ['PATCH', `/api/credential-sets/${c.id}`, { entityLevel: null }, 400, /both the entity level and the entity id/],
    ['PATCH', `/api/credential-sets/${c.id}`, { upstreamUrl: 'http://evil.example.com' }, 400, /must use https/],
    ['PATCH', `/api/credential-sets/${randomUUID()}`, { name: 'x' }, 404, /No credential set/],
    ['PUT', `/api/credential-sets/${c.id}/secret`, { clientSecret: 'short' }, 400, /fewer than 8 characters/],
    ['PUT', `/api/credential-sets/${c.id}/secret`, {}, 400, /clientSecret is required/],
    ['PUT', `/api/credential-sets/${randomUUID()}/secret`, { clientSecret: 'long-enough-1' }, 404, /No credential set/],
  ];
  for (const [method, path, body, status, message] of bad) {
    const res = await http<any>(method, api(path), body);
    assert.equal(res.status, status, `${method} ${path} ${JSON.stringify(body)} → ${res.text}`);
    assert.match(res.json.message, message);
  }
  const other = await credential();
  const dup = await http<any>('PATCH', api(`/api/credential-sets/${other.id}`), { name: 'Renamed' });
  assert.equal(dup.status, 409);
});

test('delete: 409 with the providers that use it, or move them, or delete them, in the same action', async () => {
  const a = await credential();
  const b = await credential();
  const p1 = await provider(a.id);
  const p2 = await provider(a.id);
  const refused = await http<any>('DELETE', api(`/api/credential-sets/${a.id}`));
  assert.equal(refused.status, 409);
  assert.deepEqual(refused.json.providers.map((p: any) => p.id).sort(), [p1.id, p2.id].sort());
  assert.equal((await http<any>('DELETE', api(`/api/credential-sets/${a.id}?providers=move`))).status, 400);
  assert.match(
    (await http<any>('DELETE', api(`/api/credential-sets/${a.id}?providers=move&moveTo=${a.id}`))).json.message,
    /different credential set/,
  );
  assert.equal((await http<any>('DELETE', api(`/api/credential-sets/${a.id}?providers=move&moveTo=${randomUUID()}`))).status, 400);
  assert.equal((await http<any>('DELETE', api(`/api/credential-sets/${a.id}?providers=burn`))).status, 400);
  const moved = await http<any>('DELETE', api(`/api/credential-sets/${a.id}?providers=move&moveTo=${b.id}`));
  assert.deepEqual(moved.json, { deletedProviders: 0, movedProviders: 2 });
  assert.equal((await http<any>('GET', api(`/api/providers/${p1.id}`))).json.credentialSetId, b.id);
  assert.equal(
    (await http('POST', api(`/api/providers/${p1.id}/tokens`), {})).status,
    200,
    'moved providers mint with their new credential set',
  );
  const deleted = await http<any>('DELETE', api(`/api/credential-sets/${b.id}?providers=delete`));
  assert.deepEqual(deleted.json, { deletedProviders: 2, movedProviders: 0 });
  assert.equal((await http('GET', api(`/api/providers/${p2.id}`))).status, 404);
  assert.equal((await http('DELETE', api(`/api/credential-sets/${b.id}`))).status, 404);
});

test('verify: accepted, rejected (with the clock offset), and a clear 400 without any provider', async (t) => {
  t.after(() => emu.faults.clear());
  const good = await credential({ clientId: s.admin.clientId, clientSecret: s.admin.clientSecret, upstreamUrl: emu.url });
  const target = await provider(good.id, { name: s.provider.name, entityId: s.accountId });
  const ok = await http<any>('POST', api(`/api/credential-sets/${good.id}/verify`), {});
  assert.equal(ok.status, 200);
  assert.equal(ok.json.signature, 'accepted');
  assert.equal(ok.json.method, 'mint');
  assert.equal(ok.json.providerId, target.id);
  assert.ok(ok.json.latencyMs > 0);
  assert.ok(Math.abs(ok.json.clockOffsetSeconds) <= 1);

  const wrong = await credential({
    clientId: s.admin.clientId,
    clientSecret: 'not-the-secret',
    upstreamUrl: emu.url.replace('127.0.0.1', 'localhost'),
  });
  const rejected = await http<any>('POST', api(`/api/credential-sets/${wrong.id}/verify`), { providerId: target.id });
  assert.equal(rejected.json.signature, 'rejected');
  assert.equal(rejected.json.outcome, 'bad_signature');

  emu.faults.set({ clockOffsetSeconds: -900 });
  // A clock 15 minutes off is measured, corrected for (one retry) and reported so it can be fixed.
  const skew = await http<any>('POST', api(`/api/credential-sets/${good.id}/verify`), {});
  assert.equal(skew.json.signature, 'accepted');
  assert.equal(skew.json.clockOffsetSeconds, -900);
  assert.match(skew.json.message, /our clock is 900 s ahead of the upstream clock/);

  const lonely = await credential();
  const none = await http<any>('POST', api(`/api/credential-sets/${lonely.id}/verify`), {});
  assert.equal(none.status, 400);
  assert.match(none.json.message, /no call that checks a signature without minting/);
  assert.equal((await http('POST', api(`/api/credential-sets/${randomUUID()}/verify`), {})).status, 404);
  assert.equal((await http('POST', api(`/api/credential-sets/${lonely.id}/verify`), { providerId: randomUUID() })).status, 404);
});

test("the provider list is sorted by name unless asked otherwise, as in Frame's console", async () => {
  const c = await credential();
  // Names and descriptions in opposite orders, so the two sorts cannot agree by chance.
  const first = await provider(c.id, { name: `secure-anon-0${randomUUID().slice(1)}`, description: 'Zulu' });
  const last = await provider(c.id, { name: `secure-anon-f${randomUUID().slice(1)}`, description: 'Alpha' });
  const ids = async (query: string) =>
    (await http<any>('GET', api(`/api/providers?credentialSetId=${c.id}${query}`))).json.map((p: any) => p.id);
  assert.deepEqual(await ids(''), [first.id, last.id]);
  assert.deepEqual(await ids('&order=desc'), [last.id, first.id]);
  assert.deepEqual(await ids('&sort=description'), [last.id, first.id]);
});

test('providers: edit, tags, search, sort and filter', async () => {
  const c = await credential();
  const k = await provider(c.id, { description: 'Kiosk lobby', tokenDurationMin: 30, tags: ['Kiosk', ' lobby ', 'kiosk'] });
  const t2 = await provider(c.id, { description: 'Trials EMEA', tokenDurationMin: 480, tags: ['trial'] });
  assert.deepEqual(k.tags, ['kiosk', 'lobby']);
  assert.equal(k.environment, 'emulator');
  const edited = await http<any>('PATCH', api(`/api/providers/${k.id}`), { description: 'Kiosk hall', tokenDurationMin: 45 });
  assert.equal(edited.status, 200);
  assert.equal(edited.json.tokenDurationMin, 45);
  const mint = await http<any>('POST', api(`/api/providers/${k.id}/tokens`), {});
  assert.equal(mint.json.claims.exp - mint.json.claims.iat, 45 * 60, 'the emulator learnt the new duration');

  const names = (res: any) => res.json.map((p: any) => p.id);
  assert.deepEqual(names(await http('GET', api('/api/providers?q=kiosk'))), [k.id]);
  assert.deepEqual(names(await http('GET', api('/api/providers?tag=trial'))), [t2.id]);
  assert.deepEqual(names(await http('GET', api(`/api/providers?credentialSetId=${c.id}&sort=tokenDurationMin&order=desc`))), [t2.id, k.id]);
  assert.ok(names(await http('GET', api('/api/providers?upstream=builtin:emulator'))).includes(k.id));
  assert.deepEqual((await http('GET', api('/api/providers?upstream=https://api.console.nutanix.com'))).json, []);
  const tags = (await http<string[]>('GET', api('/api/provider-tags'))).json;
  for (const tag of ['kiosk', 'lobby', 'trial']) assert.ok(tags.includes(tag));

  const bad: [string, string, unknown, number, RegExp][] = [
    ['GET', '/api/providers?sort=secret', undefined, 400, /sort/],
    ['GET', '/api/providers?order=sideways', undefined, 400, /order/],
    ['GET', '/api/providers?credentialSetId=nope', undefined, 400, /must be a UUID/],
    ['GET', '/api/providers?bogus=1', undefined, 400, /unknown field "bogus"/],
    ['PATCH', `/api/providers/${k.id}`, { tokenDurationMin: 481 }, 400, /<= 480/],
    ['PATCH', `/api/providers/${k.id}`, { description: 'x'.repeat(201) }, 400, /more than 200 characters/],
    ['PATCH', `/api/providers/${k.id}`, { name: 'secure-anon-nope' }, 400, /name: must be secure-anon-<uuid>/],
    ['PATCH', `/api/providers/${k.id}`, { tags: ['a,b'] }, 400, /tags/],
    ['PATCH', `/api/providers/${k.id}`, { credentialSetId: randomUUID() }, 400, /No credential set/],
    ['PATCH', `/api/providers/${k.id}`, { name: t2.name }, 409, /already in the console/],
    ['PATCH', `/api/providers/${randomUUID()}`, { description: 'x' }, 404, /No provider/],
    [
      'POST',
      '/api/providers',
      { name: k.name, tokenDurationMin: 60, entityLevel: 'account', entityId: randomUUID(), credentialSetId: c.id },
      409,
      /already in the console/,
    ],
    ['DELETE', `/api/providers/${randomUUID()}`, undefined, 404, /No provider/],
  ];
  for (const [method, path, body, status, message] of bad) {
    const res = await http<any>(method, api(path), body);
    assert.equal(res.status, status, `${method} ${path} ${JSON.stringify(body)} → ${res.text}`);
    assert.match(res.json.message, message);
  }
  assert.equal((await http('DELETE', api(`/api/providers/${k.id}`))).status, 204);
  assert.equal((await http('POST', api(`/api/providers/${k.id}/tokens`), {})).status, 404);
});

test('providers with a given Frame name keep it, and the token URI follows the entity level', async () => {
  const c = await credential();
  const name = providerName();
  const entityId = randomUUID();
  const p = await provider(c.id, { name, entityLevel: 'organization', entityId: entityId.toUpperCase() });
  assert.equal(p.name, name);
  assert.equal(p.entityId, entityId, 'entity ids are stored lower-case');
  assert.equal(p.tokenUri, `${app.url}/emulator/v1/organizations/${entityId}/secure-anonymous/${name}/tokens`);
});
