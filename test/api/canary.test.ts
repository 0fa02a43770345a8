// A canary secret goes in through the API; we mint with it, then prove it appears in no API response,
// no log line and not in the SQLite files' bytes (database, WAL, shared memory).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startTestConsole } from '../helpers/console.js';
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
  const dup = await http('POST', api('/api/credential-sets'), { name: 'Canary credential', clientId: 'x', clientSecret: canary, upstreamUrl: 'builtin:emulator' });
  assert.equal(dup.status, 409);
  for (const path of ['/api/credential-sets', `/api/credential-sets/${cred.json.id}`, '/api/providers', `/api/providers/${prov.json.id}`, '/docs/json']) {
    assert.equal((await http('GET', api(path))).status, 200);
  }

  assert.ok(seenBodies.length >= 9);
  for (const body of seenBodies) assert.equal(body.includes(canary), false, 'an API response carried the secret');
  const logs = app.logs();
  assert.ok(logs.length > 1000, 'trace logging produced output');
  assert.equal(logs.includes(canary), false, 'a log line carried the secret');

  await app.close();
  const files = readdirSync(app.dataDir).filter((f) => f.startsWith('sat-playground.db'));
  assert.ok(files.includes('sat-playground.db'));
  for (const f of files) {
    const bytes = readFileSync(join(app.dataDir, f));
    assert.equal(bytes.includes(Buffer.from(canary)), false, `${f} holds the secret in plaintext`);
  }
  assert.equal(existsSync(join(app.dataDir, 'master.key')), true);
});
