import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadMasterKey, MASTER_KEY_FILE } from '../../server/crypto/master-key.js';
import { tempDir } from '../helpers/tmp.js';

test('without SAT_MASTER_KEY a key is generated once into the data dir with mode 0600', (t) => {
  const dir = tempDir();
  t.after(dir.cleanup);
  const first = loadMasterKey({}, dir.path);
  assert.equal(first.source, 'generated');
  assert.equal(statSync(join(dir.path, MASTER_KEY_FILE)).mode & 0o777, 0o600);
  const second = loadMasterKey({}, dir.path);
  assert.equal(second.source, 'file');
  assert.equal(second.key.id, first.key.id);
  assert.ok(second.key.key.equals(first.key.key));
});

test('SAT_MASTER_KEY in hex or base64 is used, with SAT_MASTER_KEY_ID when given', (t) => {
  const dir = tempDir();
  t.after(dir.cleanup);
  const raw = randomBytes(32);
  const hex = loadMasterKey({ SAT_MASTER_KEY: raw.toString('hex'), SAT_MASTER_KEY_ID: 'prod-2026' }, dir.path);
  assert.equal(hex.key.id, 'prod-2026');
  assert.ok(hex.key.key.equals(raw));
  const b64 = loadMasterKey({ SAT_MASTER_KEY: raw.toString('base64') }, dir.path);
  assert.ok(b64.key.key.equals(raw));
  assert.match(b64.key.id, /^k-[0-9a-f]{8}$/);
});

test('a key of the wrong size or a broken key file is refused with a clear message', (t) => {
  const dir = tempDir();
  t.after(dir.cleanup);
  assert.throws(() => loadMasterKey({ SAT_MASTER_KEY: 'abcd' }, dir.path), /SAT_MASTER_KEY must be 32 bytes/);
  writeFileSync(join(dir.path, MASTER_KEY_FILE), 'not json');
  assert.throws(() => loadMasterKey({}, dir.path), /not a valid master key file/);
});
