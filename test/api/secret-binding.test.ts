// F2 of issue 13, first half: whoever can point a secret at a new host can steal signatures, so the secret is
// bound to its client id and upstream. Changing either needs the secret again (API and import), and the binding
// is in the ciphertext's additional data: a row changed in the database no longer opens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { databaseEnv, startTestConsole } from '../helpers/console.js';
import { rawSql } from '../helpers/databases.js';
import { http } from '../helpers/http.js';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { tempDir } from '../helpers/tmp.js';
import { loadKeyRing } from '../../server/crypto/master-key.js';
import { aadFor, seal } from '../../server/crypto/secret-box.js';

const newCredential = (url: string, upstreamUrl = 'builtin:emulator') =>
  http<{ id: string; clientId: string; upstreamUrl: string; secretFingerprint: string }>('POST', `${url}/api/credential-sets`, {
    name: `Bound ${randomUUID().slice(0, 8)}`,
    clientId: `${randomUUID()}.img.frame.nutanix.com`,
    clientSecret: randomBytes(20).toString('hex'),
    upstreamUrl,
  });

test('changing the client id or the upstream of a credential set needs its secret again; nothing changes without it', async (t) => {
  const fake = await startFakeUpstream();
  const app = await startTestConsole({ UPSTREAM_ALLOW_HOSTS: fake.host });
  t.after(async () => {
    await app.stop();
    await fake.close();
  });
  const cred = await newCredential(app.url);
  assert.equal(cred.status, 201, cred.text);
  const url = `${app.url}/api/credential-sets/${cred.json.id}`;
  for (const change of [
    { upstreamUrl: fake.url },
    { clientId: `${randomUUID()}.img.frame.nutanix.com` },
    { upstreamUrl: fake.url, notes: 'and a note' },
  ]) {
    const res = await http<{ error: string; fields: { field: string }[] }>('PATCH', url, change);
    assert.equal(res.status, 400, res.text);
    assert.equal(res.json.error, 'credential/secret_required');
    assert.deepEqual(
      res.json.fields.map((f) => f.field),
      ['clientSecret'],
    );
  }
  const after = await http<{ upstreamUrl: string; clientId: string; notes: string }>('GET', url);
  assert.deepEqual(
    [after.json.upstreamUrl, after.json.clientId, after.json.notes],
    ['builtin:emulator', cred.json.clientId, ''],
    'nothing was changed',
  );
  assert.equal(fake.seen.length, 0, 'and nothing reached the other host');

  // Other fields change without the secret; with the secret, the move is allowed (its holder decides).
  assert.equal((await http('PATCH', url, { notes: 'fine' })).status, 200);
  const newSecret = randomBytes(20).toString('hex');
  const moved = await http<{ upstreamUrl: string; secretFingerprint: string }>('PATCH', url, {
    upstreamUrl: fake.url,
    clientSecret: newSecret,
  });
  assert.equal(moved.status, 200, moved.text);
  assert.equal(moved.json.upstreamUrl, fake.url);
  assert.notEqual(moved.json.secretFingerprint, cred.json.secretFingerprint);
  const row = (await http<{ action: string; detail: Record<string, unknown> }[]>('GET', `${app.url}/api/audit?action=credential.updated`))
    .json[0]!;
  assert.equal(row.detail.secretReplaced, true);
  assert.equal(JSON.stringify(row).includes(newSecret), false);
});

test('an import that changes the client id or upstream of an existing credential set needs its secret', async (t) => {
  const app = await startTestConsole();
  t.after(() => app.stop());
  const cred = await newCredential(app.url);
  assert.equal(cred.status, 201);
  const file = (await http<{ credentialSets: { name: string; clientId: string }[] }>('GET', `${app.url}/api/export`)).json;
  const mine = file.credentialSets.find((c) => c.clientId === cred.json.clientId)!;
  mine.clientId = `${randomUUID()}.img.frame.nutanix.com`;
  const refused = await http<{ error: string; report: { rows: { key: string; action: string; reason?: string }[] } }>(
    'POST',
    `${app.url}/api/import`,
    { file, secrets: {} },
  );
  assert.equal(refused.status, 422, refused.text);
  const row = refused.json.report.rows.find((r) => r.key === mine.name)!;
  assert.equal(row.action, 'rejected');
  assert.match(row.reason!, /needs its client secret/);
  const applied = await http('POST', `${app.url}/api/import`, { file, secrets: { [mine.name]: randomBytes(20).toString('hex') } });
  assert.equal(applied.status, 200, applied.text);
});

test('the binding is in the ciphertext: a client id or upstream changed in the database does not open', async (t) => {
  const dir = tempDir('sat-binding-');
  t.after(() => dir.cleanup());
  const first = await startTestConsole({}, { dataDir: dir.path });
  const cred = await newCredential(first.url);
  assert.equal(cred.status, 201);
  await first.stop();

  for (const [column, value] of [
    ['clientId', `${randomUUID()}.img.frame.nutanix.com`],
    ['upstreamUrl', 'https://attacker.example'],
  ] as const) {
    const [{ v: original }] = (await rawSql<{ v: string }>(first.database, `SELECT "${column}" AS v FROM "CredentialSet" WHERE "id" = ?`, [
      cred.json.id,
    ])) as [{ v: string }];
    await rawSql(first.database, `UPDATE "CredentialSet" SET "${column}" = ? WHERE "id" = ?`, [value, cred.json.id]);
    await assert.rejects(
      startTestConsole({}, { dataDir: dir.path }),
      /failed authentication.*client id or upstream was changed without re-entering the secret/s,
      `${column} changed in the database`,
    );
    await rawSql(first.database, `UPDATE "CredentialSet" SET "${column}" = ? WHERE "id" = ?`, [original, cred.json.id]);
  }
  const again = await startTestConsole({}, { dataDir: dir.path });
  const providers = (await http<{ id: string }[]>('GET', `${again.url}/api/providers`)).json;
  assert.equal((await http('POST', `${again.url}/api/providers/${providers[0]!.id}/tokens`, {})).status, 200, 'restored, it opens again');
  await again.stop();
});

test('secrets stored before the binding are re-sealed with it once; afterwards an unbound ciphertext no longer opens', async (t) => {
  const dir = tempDir('sat-binding-legacy-');
  t.after(() => dir.cleanup());
  const first = await startTestConsole({}, { dataDir: dir.path });
  const cred = await newCredential(first.url);
  const providers = (await http<{ id: string; credentialSetId: string }[]>('GET', `${first.url}/api/providers`)).json;
  await first.stop();

  // A database as an earlier version left it: the secret sealed for its row only, and no binding recorded.
  const key = loadKeyRing(await databaseEnv(dir.path), dir.path).current;
  const legacy = (id: string, secret: string) => seal(secret, key, aadFor('credential_set', id, 'secret'));
  const demo = providers[0]!.credentialSetId;
  const demoSecret = randomBytes(20).toString('hex');
  await rawSql(first.database, 'UPDATE "CredentialSet" SET "secretCiphertext" = ? WHERE "id" = ?', [legacy(demo, demoSecret), demo]);
  await rawSql(first.database, 'DELETE FROM "Setting" WHERE "key" = ?', ['credential.secretBinding']);

  const second = await startTestConsole({}, { dataDir: dir.path });
  // The demo's emulator credential now has the secret the test planted: a mint proves it opened and was re-bound.
  assert.equal((await http('POST', `${second.url}/api/providers/${providers[0]!.id}/tokens`, {})).status, 200);
  await second.stop();
  assert.deepEqual(await rawSql(first.database, 'SELECT "value" FROM "Setting" WHERE "key" = ?', ['credential.secretBinding']), [
    { value: 'client-id-and-upstream' },
  ]);
  // Putting an unbound ciphertext back (from an old backup, say) no longer works.
  await rawSql(first.database, 'UPDATE "CredentialSet" SET "secretCiphertext" = ? WHERE "id" = ?', [
    legacy(cred.json.id, 'from-an-old-backup'),
    cred.json.id,
  ]);
  await assert.rejects(startTestConsole({}, { dataDir: dir.path }), /failed authentication/);
});

test('a running console refuses to use a secret whose row was changed in the database, with a 409 that says what to do', async (t) => {
  const app = await startTestConsole();
  t.after(() => app.stop());
  const providers = (await http<{ id: string; credentialSetId: string }[]>('GET', `${app.url}/api/providers`)).json;
  await rawSql(app.database, 'UPDATE "CredentialSet" SET "clientId" = ? WHERE "id" = ?', [
    `${randomUUID()}.img.frame.nutanix.com`,
    providers[0]!.credentialSetId,
  ]);
  app.services.providers.invalidate();
  const res = await http<{ error: string; message: string }>('POST', `${app.url}/api/providers/${providers[0]!.id}/tokens`, {});
  assert.equal(res.status, 409, res.text);
  assert.equal(res.json.error, 'credential/secret_unusable');
  assert.match(res.json.message, /client id or upstream was changed without re-entering the secret.*Replace secret/);
});
