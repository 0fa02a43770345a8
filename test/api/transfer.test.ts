// Export never holds a secret; import asks for the missing ones, reports per row, and is all or nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startTestConsole } from '../helpers/console.js';
import { http } from '../helpers/http.js';
import { providerName } from '../helpers/fixtures.js';

test('export → import into a fresh database with the secret → mint', async (t) => {
  const source = await startTestConsole();
  t.after(() => source.stop());
  const cred = (
    await http<any>('POST', `${source.url}/api/credential-sets`, {
      name: 'Kiosk API',
      clientId: `${randomUUID()}.img.frame.nutanix.com`,
      clientSecret: 'kiosk-secret-123',
      upstreamUrl: 'builtin:emulator',
      notes: 'lobby',
    })
  ).json;
  const prov = (
    await http<any>('POST', `${source.url}/api/providers`, {
      name: providerName(),
      description: 'Lobby kiosks',
      tokenDurationMin: 120,
      entityLevel: 'account',
      entityId: randomUUID(),
      credentialSetId: cred.id,
      tags: ['kiosk'],
    })
  ).json;

  const exported = await http<any>('GET', `${source.url}/api/export`);
  assert.equal(exported.status, 200);
  assert.match(exported.headers.get('content-disposition') ?? '', /attachment; filename="sat-playground-.*\.json"/);
  assert.equal(exported.text.includes('kiosk-secret-123'), false);
  assert.equal(exported.json.format, 'sat-playground/export');
  assert.equal(exported.json.credentialSets.length, 2, 'demo + kiosk');
  const file = exported.json;

  const target = await startTestConsole({ SEED_DEMO: 'false' });
  t.after(() => target.stop());
  const missing = await http<any>('POST', `${target.url}/api/import`, { file });
  assert.equal(missing.status, 422);
  assert.equal(missing.json.error, 'import/rejected');
  const rows = missing.json.report.rows;
  assert.deepEqual(
    rows
      .filter((r: any) => r.kind === 'credentialSet' && r.action === 'rejected')
      .map((r: any) => r.key)
      .sort(),
    ['Demo (built-in emulator)', 'Kiosk API'],
  );
  assert.ok(rows.filter((r: any) => r.kind === 'provider').every((r: any) => /its credential set ".*" is rejected/.test(r.reason)));
  assert.match(rows.find((r: any) => r.key === 'Kiosk API').reason, /client secret is required/);
  assert.deepEqual((await http<any[]>('GET', `${target.url}/api/providers`)).json, [], 'nothing applied');

  const secrets = { 'Kiosk API': 'kiosk-secret-123', 'Demo (built-in emulator)': 'a-new-demo-secret' };
  const dry = await http<any>('POST', `${target.url}/api/import`, { file, secrets, dryRun: true });
  assert.equal(dry.status, 200);
  assert.deepEqual([dry.json.applied, dry.json.added, dry.json.updated, dry.json.rejected], [false, 4, 0, 0]);
  assert.deepEqual((await http<any[]>('GET', `${target.url}/api/providers`)).json, []);

  const applied = await http<any>('POST', `${target.url}/api/import`, { file, secrets });
  assert.equal(applied.status, 200, applied.text);
  assert.equal(applied.json.applied, true);
  const imported = (await http<any[]>('GET', `${target.url}/api/providers?tag=kiosk`)).json;
  assert.equal(imported.length, 1);
  assert.equal(imported[0].name, prov.name);
  assert.equal(imported[0].tokenDurationMin, 120);
  const creds = (await http<any[]>('GET', `${target.url}/api/credential-sets`)).json;
  assert.equal(creds.find((c) => c.name === 'Kiosk API').secretSetBy, 'import');
  const minted = await http<any>('POST', `${target.url}/api/providers/${imported[0].id}/tokens`, {});
  assert.equal(minted.status, 200);
  assert.equal(minted.json.claims.exp - minted.json.claims.iat, 120 * 60);

  const again = await http<any>('POST', `${target.url}/api/import`, { file });
  assert.equal(again.status, 200, 're-importing needs no secrets: everything exists');
  assert.deepEqual([again.json.added, again.json.updated], [0, 4]);
});

test('import reports each bad row and applies nothing', async (t) => {
  const app = await startTestConsole({ SEED_DEMO: 'false' });
  t.after(() => app.stop());
  const entityId = randomUUID();
  const file = {
    format: 'sat-playground/export',
    version: 1,
    exportedAt: new Date().toISOString(),
    credentialSets: [
      { name: 'ok', clientId: 'c1', upstreamUrl: 'https://api.console.nutanix.com', entityLevel: null, entityId: null, notes: '' },
      { name: 'http', clientId: 'c2', upstreamUrl: 'http://frame.example.com', entityLevel: null, entityId: null, notes: '' },
      { name: 'half-scope', clientId: 'c3', upstreamUrl: 'builtin:emulator', entityLevel: 'account', entityId: null, notes: '' },
      { name: 'ok', clientId: 'c4', upstreamUrl: 'builtin:emulator', entityLevel: null, entityId: null, notes: '' },
      { clientId: 'no-name' },
    ],
    providers: [
      { name: providerName(), description: '', tokenDurationMin: 60, entityLevel: 'account', entityId, tags: [], credentialSet: 'ok' },
      { name: providerName(), description: '', tokenDurationMin: 600, entityLevel: 'account', entityId, tags: [], credentialSet: 'ok' },
      { name: providerName(), description: '', tokenDurationMin: 60, entityLevel: 'account', entityId, tags: [], credentialSet: 'ghost' },
    ],
  };
  const res = await http<any>('POST', `${app.url}/api/import`, {
    file,
    secrets: { ok: 'long-enough-secret', http: 'x', 'half-scope': 'long-enough-secret' },
  });
  assert.equal(res.status, 422);
  const reasons = res.json.report.rows.map((r: any) => `${r.kind}:${r.key}:${r.action}:${r.reason ?? ''}`);
  assert.match(reasons[0], /^credentialSet:ok:added:$/);
  assert.match(reasons[1], /^credentialSet:http:rejected:.*must use https/);
  assert.match(reasons[2], /^credentialSet:half-scope:rejected:.*both the entity level and the entity id/);
  assert.match(reasons[3], /^credentialSet:ok:rejected:the file names this credential set twice/);
  assert.match(reasons[4], /^credentialSet:credentialSets\[4\]:rejected:.*name/);
  assert.match(reasons[5], /^provider:secure-anon-.*:added:$/);
  assert.match(reasons[6], /^provider:.*:rejected:.*tokenDurationMin: must be <= 480/);
  assert.match(reasons[7], /^provider:.*:rejected:no credential set named "ghost"/);
  assert.equal(res.text.includes('long-enough-secret'), false, 'the report never echoes a secret');
  assert.deepEqual((await http<any[]>('GET', `${app.url}/api/credential-sets`)).json, []);

  const wrongFormat = await http<any>('POST', `${app.url}/api/import`, { file: { ...file, format: 'other' } });
  assert.equal(wrongFormat.status, 400);
  assert.match(wrongFormat.json.message, /file\.format/);
});

test('a large export (3,000 providers) imports in one request', async (t) => {
  const app = await startTestConsole({ SEED_DEMO: 'false' });
  t.after(() => app.stop());
  const entityId = randomUUID();
  const providers = Array.from({ length: 3000 }, (_, i) => ({
    name: providerName(),
    description: `Kiosk ${i}`,
    tokenDurationMin: 60,
    entityLevel: 'account',
    entityId,
    tags: ['bulk'],
    credentialSet: 'bulk',
  }));
  const file = {
    format: 'sat-playground/export',
    version: 1,
    exportedAt: new Date().toISOString(),
    credentialSets: [
      { name: 'bulk', clientId: 'bulk-client', upstreamUrl: 'builtin:emulator', entityLevel: null, entityId: null, notes: '' },
    ],
    providers,
  };
  const body = JSON.stringify({ file, secrets: { bulk: 'bulk-secret-1' } });
  assert.ok(body.length > 64 * 1024);
  const res = await http<any>('POST', `${app.url}/api/import`, body);
  assert.equal(res.status, 200, res.text.slice(0, 300));
  assert.equal(res.json.added, 3001);
  assert.equal((await http<any[]>('GET', `${app.url}/api/providers?tag=bulk`)).json.length, 3000);
  const tooBig = await http<any>('POST', `${app.url}/api/credential-sets`, JSON.stringify({ name: 'x'.repeat(70 * 1024) }));
  assert.equal(tooBig.status, 413, 'other routes keep the small limit');
});
