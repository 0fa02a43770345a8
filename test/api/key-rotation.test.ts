// Master key rotation: re-seal, restart with only the new key, mint; wrong keys and tampered ciphertexts
// are refused at start with a clear message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { loadConfig } from '../../server/config.js';
import { loadKeyRing } from '../../server/crypto/master-key.js';
import { rotateMasterKey } from '../../server/cli/rotate-key.js';
import { PROJECT_ROOT } from '../../server/paths.js';
import { databaseEnv, databaseOf, startTestConsole, TEST_BACKEND } from '../helpers/console.js';
import { rawSql } from '../helpers/databases.js';
import { http } from '../helpers/http.js';
import { tempDir } from '../helpers/tmp.js';

// The console refuses a key file on PostgreSQL: each replica would generate its own (server/config.ts).
const KEY_FILE = { skip: TEST_BACKEND !== 'sqlite' && 'key file mode: on PostgreSQL the master key comes from SAT_MASTER_KEY' };

const keyA = randomBytes(32).toString('hex');
const keyB = randomBytes(32).toString('base64');

async function mintDemo(env: Record<string, string>, dataDir: string): Promise<number> {
  const app = await startTestConsole(env, { dataDir });
  try {
    const [demo] = (await http<any[]>('GET', `${app.url}/api/providers`)).json;
    return (await http('POST', `${app.url}/api/providers/${demo.id}/tokens`, {})).status;
  } finally {
    await app.close();
  }
}

async function addSecondCredential(env: Record<string, string>, dataDir: string): Promise<void> {
  const app = await startTestConsole(env, { dataDir });
  const res = await http('POST', `${app.url}/api/credential-sets`, {
    name: 'second',
    clientId: `${randomUUID()}.x`,
    clientSecret: 'second-secret',
    upstreamUrl: 'builtin:emulator',
  });
  assert.equal(res.status, 201);
  await app.close();
}

test('env keys: rotate A → B, then B alone starts and mints, and A alone is refused', async (t) => {
  const dir = tempDir();
  t.after(dir.cleanup);
  assert.equal(await mintDemo({ SAT_MASTER_KEY: keyA, SAT_MASTER_KEY_ID: 'a' }, dir.path), 200);

  // The documented path: the new key as current, the old one as previous, through the npm script's entry.
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'server/cli/rotate-key.ts')], {
    cwd: PROJECT_ROOT,
    env: {
      ...process.env,
      ...(await databaseEnv(dir.path)),
      DATA_DIR: dir.path,
      SAT_MASTER_KEY: keyB,
      SAT_MASTER_KEY_ID: 'b',
      SAT_PREVIOUS_MASTER_KEYS: `a:${keyA}`,
    },
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /1 of 1 secret\(s\) re-sealed under master key "b"/);

  assert.equal(await mintDemo({ SAT_MASTER_KEY: keyB, SAT_MASTER_KEY_ID: 'b' }, dir.path), 200);
  await assert.rejects(
    startTestConsole({ SAT_MASTER_KEY: keyA, SAT_MASTER_KEY_ID: 'a' }, { dataDir: dir.path }),
    /(credential set ".*"|the built-in emulator's signing key): the stored secret was sealed with master key "b", which is not configured/,
  );
  await assert.rejects(
    startTestConsole({ SAT_MASTER_KEY: randomBytes(32).toString('hex'), SAT_MASTER_KEY_ID: 'b' }, { dataDir: dir.path }),
    /failed authentication under master key "b"/,
  );
});

test('a rotation that cannot open a row changes nothing', async (t) => {
  const dir = tempDir();
  t.after(dir.cleanup);
  assert.equal(await mintDemo({ SAT_MASTER_KEY: keyA, SAT_MASTER_KEY_ID: 'a' }, dir.path), 200);
  // The old key is not configured: the rotation must refuse.
  await assert.rejects(
    rotateMasterKey(loadConfig({ ...(await databaseEnv(dir.path)), DATA_DIR: dir.path, SAT_MASTER_KEY: keyB, SAT_MASTER_KEY_ID: 'b' })),
    /sealed with master key "a", which is not configured/,
  );
  assert.equal(await mintDemo({ SAT_MASTER_KEY: keyA, SAT_MASTER_KEY_ID: 'a' }, dir.path), 200, 'still under the old key');
});

test('key file: rotate generates a new key, re-seals everything, and the file keeps only the new key', KEY_FILE, async (t) => {
  const dir = tempDir();
  t.after(dir.cleanup);
  assert.equal(await mintDemo({}, dir.path), 200);
  await addSecondCredential({}, dir.path);
  const before = loadKeyRing({}, dir.path).current.id;
  const report = await rotateMasterKey(loadConfig({ DATA_DIR: dir.path }));
  assert.equal(report.mode, 'file');
  assert.deepEqual([report.resealed, report.total], [2, 2]);
  const ring = loadKeyRing({}, dir.path);
  assert.notEqual(ring.current.id, before);
  assert.deepEqual(
    ring.keys.map((k) => k.id),
    [report.keyId],
  );
  const ids = await rawSql<{ id: string }>(await databaseOf(dir.path), 'SELECT DISTINCT "secretKeyId" AS id FROM "CredentialSet"');
  assert.deepEqual(
    ids.map((r) => r.id),
    [report.keyId],
  );
  assert.equal(await mintDemo({}, dir.path), 200);
});

test('a ciphertext moved to another row, or with a flipped bit, is refused at start naming the credential set', async (t) => {
  const dir = tempDir();
  t.after(dir.cleanup);
  const env = { SAT_MASTER_KEY: keyA, SAT_MASTER_KEY_ID: 'a' };
  await addSecondCredential(env, dir.path);
  const db = await databaseOf(dir.path);
  const rows = await rawSql<{ id: string; name: string; secretCiphertext: string }>(
    db,
    'SELECT "id", "name", "secretCiphertext" FROM "CredentialSet" ORDER BY "name"',
  );
  assert.equal(rows.length, 2);
  const update = 'UPDATE "CredentialSet" SET "secretCiphertext" = ? WHERE "id" = ?';
  await rawSql(db, update, [rows[0]!.secretCiphertext, rows[1]!.id]);
  await assert.rejects(
    startTestConsole(env, { dataDir: dir.path }),
    new RegExp(`credential set "${rows[1]!.name}": .*moved from another row`),
  );

  const parts = rows[1]!.secretCiphertext.split('.');
  const ct = Buffer.from(parts[3]!, 'base64url');
  ct[ct.length - 1] = ct[ct.length - 1]! ^ 0x01;
  parts[3] = ct.toString('base64url');
  await rawSql(db, update, [parts.join('.'), rows[1]!.id]);
  await assert.rejects(startTestConsole(env, { dataDir: dir.path }), /failed authentication under master key "a"/);
});
