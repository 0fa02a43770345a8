// Playground history (with tokens kept only when asked, only until they expire) and shared presets.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { OWNER, startWithDemo, type TestConsole } from '../helpers/console.js';
import { http } from '../helpers/http.js';

let app: TestConsole;
let demo: any;
/** The console's clock runs this far ahead of the real one (tests move it instead of sleeping). */
let offsetMs = 0;
const consoleNow = () => Date.now() + offsetMs;
before(async () => {
  ({ app, demo } = await startWithDemo({ UPSTREAM_ALLOW_HOSTS: '127.0.0.1' }, { now: consoleNow }));
});
after(() => app.stop());

test('every Playground mint is in the history; the token only when asked for', async () => {
  const plain = await http<any>('POST', `${app.url}/api/providers/${demo.id}/tokens`, { email: 'h1@example.com' });
  const kept = await http<any>('POST', `${app.url}/api/providers/${demo.id}/tokens?keepToken=true`, {
    first_name: 'Kept',
    metadata: { a: 1 },
  });
  assert.ok(kept.json.historyId);
  const list = (await http<any[]>('GET', `${app.url}/api/history?providerId=${demo.id}`)).json;
  assert.equal(list[0].id, kept.json.historyId, 'newest first');
  assert.deepEqual(list[0].params, { first_name: 'Kept', metadata: { a: 1 } });
  assert.equal(list[0].jti, kept.json.claims.jti);
  assert.equal(list[0].sub, kept.json.claims.sub);
  assert.equal(list[0].tokenKept, true);
  assert.equal(list[1].id, plain.json.historyId);
  assert.equal(list[1].tokenKept, false);
  const token = await http<any>('GET', `${app.url}/api/history/${kept.json.historyId}/token`);
  assert.equal(token.json.token, kept.json.token);
  assert.equal(token.headers.get('cache-control'), 'no-store');
  assert.equal((await http<any>('GET', `${app.url}/api/history/${plain.json.historyId}/token`)).status, 410);

  // Failures are on record too.
  const cred = (
    await http<any>('POST', `${app.url}/api/credential-sets`, {
      name: 'wrong',
      clientId: 'wrong-client',
      clientSecret: 'wrong-secret-1',
      upstreamUrl: `${app.url}/emulator`,
    })
  ).json;
  const prov = (
    await http<any>('POST', `${app.url}/api/providers`, {
      tokenDurationMin: 30,
      entityLevel: 'account',
      entityId: randomUUID(),
      credentialSetId: cred.id,
    })
  ).json;
  assert.equal((await http('POST', `${app.url}/api/providers/${prov.id}/tokens`, {})).status, 422);
  const failed = (await http<any[]>('GET', `${app.url}/api/history?providerId=${prov.id}`)).json;
  assert.deepEqual([failed.length, failed[0].outcome], [1, 'upstream/bad_signature']);

  assert.equal((await http('GET', `${app.url}/api/history?limit=0`)).status, 400);
  assert.equal((await http('GET', `${app.url}/api/history?limit=2`)).json.length, 2);
  assert.equal((await http('GET', `${app.url}/api/history/${randomUUID()}/token`)).status, 404);
  assert.equal((await http('POST', `${app.url}/api/providers/${demo.id}/tokens?keepToken=maybe`, {})).status, 400);
});

test('a kept token is dropped once it expires by the console clock', async (t) => {
  t.after(() => (offsetMs = 0));
  const { token, claims } = (await http<any>('POST', `${app.url}/api/providers/${demo.id}/tokens`, {})).json;
  const exp = Math.floor(consoleNow() / 1000) + 60;
  const kept = { params: {}, outcome: 'ok', latencyMs: 1, claims: { ...claims, exp }, token, keepToken: true } as const;
  const id = app.services.history.record({ providerId: demo.id, providerName: demo.name, actor: OWNER.email, ...kept });
  assert.equal((await http('GET', `${app.url}/api/history/${id}/token`)).status, 200);
  offsetMs += 61_000; // past exp by the console's clock
  assert.equal((await http('GET', `${app.url}/api/history/${id}/token`)).status, 410);
  await http('GET', `${app.url}/api/history`);
  const row = await app.db.mintRecord.findUnique({ where: { id } });
  assert.equal(row?.tokenSealed, null, 'purged from the database');
});

test('presets: save, list, refuse a duplicate name unless replacing, delete', async () => {
  const kiosk = { metadata: { should_accept_tos: false, frame_logout_url: 'https://example.com/bye' } };
  const saved = await http<any>('POST', `${app.url}/api/providers/${demo.id}/presets`, { name: 'Kiosk', params: kiosk });
  assert.equal(saved.status, 201);
  assert.equal((await http<any>('POST', `${app.url}/api/providers/${demo.id}/presets`, { name: 'Kiosk', params: {} })).status, 409);
  const replaced = await http<any>('POST', `${app.url}/api/providers/${demo.id}/presets`, {
    name: 'Kiosk',
    params: { ...kiosk, first_name: 'Lobby' },
    replace: true,
  });
  assert.equal(replaced.json.id, saved.json.id);
  const list = (await http<any[]>('GET', `${app.url}/api/providers/${demo.id}/presets`)).json;
  assert.deepEqual(
    list.map((p) => [p.name, p.params.first_name]),
    [['Kiosk', 'Lobby']],
  );
  assert.equal((await http('POST', `${app.url}/api/providers/${demo.id}/presets`, { name: 'x', params: { metadata: [] } })).status, 400);
  assert.equal((await http('POST', `${app.url}/api/providers/${demo.id}/presets`, { name: ' ', params: {} })).status, 400);
  assert.equal((await http('POST', `${app.url}/api/providers/${randomUUID()}/presets`, { name: 'x', params: {} })).status, 404);
  assert.equal((await http('DELETE', `${app.url}/api/presets/${saved.json.id}`)).status, 204);
  assert.equal((await http('DELETE', `${app.url}/api/presets/${saved.json.id}`)).status, 404);
});

test('a history row whose provider is gone keeps its name, and the rows written with it are kept', async () => {
  const ghost = randomUUID();
  const a = app.services.history.record({
    providerId: ghost,
    providerName: 'gone',
    actor: OWNER.email,
    params: {},
    outcome: 'ok',
    latencyMs: 1,
    keepToken: false,
  });
  const b = app.services.history.record({
    providerId: demo.id,
    providerName: demo.name,
    actor: OWNER.email,
    params: { first_name: 'Kept row' },
    outcome: 'ok',
    latencyMs: 1,
    keepToken: false,
  });
  await app.services.history.flush();
  const orphan = await app.db.mintRecord.findUnique({ where: { id: a } });
  assert.deepEqual([orphan?.providerId, orphan?.providerName], [null, 'gone']);
  assert.ok(await app.db.mintRecord.findUnique({ where: { id: b } }));
});
