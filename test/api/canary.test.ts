// A canary secret goes in through the API; we mint with it, then prove it appears in no API response,
// no log line and not in the SQLite files' bytes (database, WAL, shared memory).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startTestConsole } from '../helpers/console.js';
import { storedData } from '../helpers/databases.js';
import { http, seenBodies } from '../helpers/http.js';
import { providerName } from '../helpers/fixtures.js';

test('the client secret is found in no response, no log line and no database file', async (t) => {
  const app = await startTestConsole({ LOG_LEVEL: 'trace' });
  t.after(() => app.stop());
  const canary = `CANARY-${randomBytes(16).toString('hex')}`;
  const api = (p: string) => `${app.url}${p}`;

  const cred = await http<any>('POST', api('/api/credential-sets'), {
    name: 'Canary credential',
    clientId: `${randomUUID()}.img.frame.nutanix.com`,
    clientSecret: canary,
    upstreamUrl: 'builtin:emulator',
  });
  assert.equal(cred.status, 201);
  const prov = await http<any>('POST', api('/api/providers'), {
    name: providerName(),
    tokenDurationMin: 30,
    entityLevel: 'account',
    entityId: randomUUID(),
    credentialSetId: cred.json.id,
  });
  assert.equal(prov.status, 201);
  const minted = await http<any>('POST', api(`/api/providers/${prov.json.id}/tokens`), { email: 'canary@example.com' });
  assert.equal(minted.status, 200, 'the canary secret really signs');
  // A failing mint too: its error path must not leak either.
  const dup = await http('POST', api('/api/credential-sets'), {
    name: 'Canary credential',
    clientId: 'x',
    clientSecret: canary,
    upstreamUrl: 'builtin:emulator',
  });
  assert.equal(dup.status, 409);
  for (const path of [
    '/api/credential-sets',
    `/api/credential-sets/${cred.json.id}`,
    '/api/providers',
    `/api/providers/${prov.json.id}`,
    '/docs/json',
    '/api/export',
  ]) {
    assert.equal((await http('GET', api(path))).status, 200);
  }
  // Verify, edit, a second canary through rotation, and an import that echoes rows: none may leak.
  assert.equal((await http('POST', api(`/api/credential-sets/${cred.json.id}/verify`), {})).status, 200);
  assert.equal((await http('PATCH', api(`/api/credential-sets/${cred.json.id}`), { notes: 'checked' })).status, 200);
  const canary2 = `CANARY2-${randomBytes(16).toString('hex')}`;
  assert.equal((await http('PUT', api(`/api/credential-sets/${cred.json.id}/secret`), { clientSecret: canary2 })).status, 200);
  assert.equal((await http('POST', api(`/api/providers/${prov.json.id}/tokens`), {})).status, 200);
  assert.equal((await http('PUT', api(`/api/credential-sets/${cred.json.id}/secret`), { clientSecret: 'short' })).status, 400);
  const file = (await http<any>('GET', api('/api/export'))).json;
  const rejected = await http('POST', api('/api/import'), {
    file: { ...file, providers: [{ bogus: true }] },
    secrets: { 'Canary credential': canary },
  });
  assert.equal(rejected.status, 422);
  const applied = await http('POST', api('/api/import'), { file, secrets: { 'Canary credential': canary2 }, dryRun: true });
  assert.equal(applied.status, 200);

  assert.ok(seenBodies.length >= 9);
  for (const body of seenBodies) {
    assert.equal(body.includes(canary), false, 'an API response carried the secret');
    assert.equal(body.includes(canary2), false, 'an API response carried the rotated secret');
  }
  const logs = app.logs();
  assert.ok(logs.length > 1000, 'trace logging produced output');
  assert.equal(logs.includes(canary), false, 'a log line carried the secret');
  assert.equal(logs.includes(canary2), false, 'a log line carried the rotated secret');

  await app.close();
  const stored = await storedData(app.database);
  assert.ok(
    stored.some((s) => s.bytes.includes('Canary credential')),
    'the stored data was read',
  );
  for (const { name, bytes } of stored) {
    assert.equal(bytes.includes(canary), false, `${name} holds the secret in plaintext`);
    assert.equal(bytes.includes(canary2), false, `${name} holds the rotated secret in plaintext`);
  }
  // The key that seals the secrets is elsewhere: a file in the data directory, or SAT_MASTER_KEY (on PostgreSQL).
  if (app.database.backend === 'sqlite') assert.equal(existsSync(join(app.dataDir, 'master.key')), true);
});
