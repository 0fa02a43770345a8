// F11 of issue 13: user text used as an object key. A credential set named __proto__ (as an older console could
// store it) exported fine and then made the import answer 500, because the import's secrets are keyed by name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { startTestConsole } from '../helpers/console.js';
import { rawSql } from '../helpers/databases.js';
import { http } from '../helpers/http.js';
import { fromKeyValues } from '../../server/frame/json-text.js';

test('a credential set named __proto__ or toString: refused when created, and an import of it answers 4xx, never 500', async (t) => {
  const app = await startTestConsole();
  t.after(() => app.stop());
  const create = (name: string) =>
    http<{ id: string; fields?: { field: string }[] }>('POST', `${app.url}/api/credential-sets`, {
      name,
      clientId: `${randomUUID()}.img.frame.nutanix.com`,
      clientSecret: randomBytes(20).toString('hex'),
      upstreamUrl: 'builtin:emulator',
    });
  for (const name of ['__proto__', 'constructor', 'prototype']) {
    const res = await create(name);
    assert.equal(res.status, 400, `${name}: ${res.text}`);
    assert.equal(res.json.fields?.[0]?.field, 'name');
  }
  const plain = await create('toString');
  assert.equal(plain.status, 201, 'an ordinary method name is an ordinary name');

  // What an older console could have stored: renamed behind the API's back, then exported.
  await rawSql(app.database, 'UPDATE "CredentialSet" SET "name" = ? WHERE "id" = ?', ['__proto__', plain.json.id]);
  app.services.providers.invalidate();
  const file = (await http<{ credentialSets: { name: string }[] }>('GET', `${app.url}/api/export`)).json;
  assert.ok(file.credentialSets.some((c) => c.name === '__proto__'));
  for (const secrets of [{}, { toString: 'x'.repeat(20) }, { hasOwnProperty: 'y'.repeat(20) }]) {
    const res = await http<{ error: string; report: { rows: { key: string; action: string; reason?: string }[] } }>(
      'POST',
      `${app.url}/api/import`,
      { file, secrets },
    );
    assert.equal(res.status, 422, res.text);
    assert.match(res.json.report.rows.find((r) => r.key === '__proto__')!.reason!, /reserved/);
  }
  // Into a fresh console: a set named toString needs its own secret, and Object.prototype.toString is not one.
  const fresh = await startTestConsole();
  t.after(() => fresh.stop());
  const one = {
    ...file,
    credentialSets: [{ ...file.credentialSets.find((c) => c.name === '__proto__')!, name: 'toString' }],
    providers: [],
  };
  const missing = await http<{ report: { rows: { reason?: string }[] } }>('POST', `${fresh.url}/api/import`, { file: one, secrets: {} });
  assert.equal(missing.status, 422, missing.text);
  assert.match(missing.json.report.rows[0]!.reason!, /a client secret is required/);
  assert.equal((await http('POST', `${fresh.url}/api/import`, { file: one, secrets: { toString: 'z'.repeat(20) } })).status, 200);
});

test('key/value metadata: __proto__ is an ordinary key of the object, not its prototype', () => {
  const out = fromKeyValues([
    { key: '__proto__', value: '{"admin": true}' },
    { key: 'language', value: 'EN' },
  ]);
  assert.deepEqual(Object.keys(out), ['__proto__', 'language']);
  assert.equal((out as { admin?: unknown }).admin, undefined);
  assert.equal(JSON.stringify(out), '{"__proto__":"{\\"admin\\": true}","language":"EN"}');
});
