import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadKeyRing, MASTER_KEY_FILE, writeKeyFile, generateMasterKey } from '../../server/crypto/master-key.js';
import { tempDir } from '../helpers/tmp.js';

test('without SAT_MASTER_KEY a key is generated once into the data dir with mode 0600', (t) => {
  const dir = tempDir();
  t.after(dir.cleanup);
  const first = loadKeyRing({}, dir.path);
  assert.equal(first.source, 'generated');
  assert.equal(statSync(join(dir.path, MASTER_KEY_FILE)).mode & 0o777, 0o600);
  const second = loadKeyRing({}, dir.path);
  assert.equal(second.source, 'file');
  assert.equal(second.current.id, first.current.id);
  assert.ok(second.current.key.equals(first.current.key));
});

test('SAT_MASTER_KEY in hex or base64 is used, with SAT_MASTER_KEY_ID when given', (t) => {
  const dir = tempDir();
  t.after(dir.cleanup);
  const raw = randomBytes(32);
  const hex = loadKeyRing({ SAT_MASTER_KEY: raw.toString('hex'), SAT_MASTER_KEY_ID: 'prod-2026' }, dir.path);
  assert.equal(hex.current.id, 'prod-2026');
  assert.ok(hex.current.key.equals(raw));
  const b64 = loadKeyRing({ SAT_MASTER_KEY: raw.toString('base64') }, dir.path);
  assert.ok(b64.current.key.equals(raw));
  assert.match(b64.current.id, /^k-[0-9a-f]{8}$/);
});

test('a key of the wrong size or a broken key file is refused with a clear message', (t) => {
  const dir = tempDir();
  t.after(dir.cleanup);
  assert.throws(() => loadKeyRing({ SAT_MASTER_KEY: 'abcd' }, dir.path), /SAT_MASTER_KEY must be 32 bytes/);
  writeFileSync(join(dir.path, MASTER_KEY_FILE), 'not json');
  assert.throws(() => loadKeyRing({}, dir.path), /not a valid master key file/);
});

test('previous keys come from SAT_PREVIOUS_MASTER_KEYS or the key file, after the current one', (t) => {
  const dir = tempDir();
  t.after(dir.cleanup);
  const old = randomBytes(32);
  const ring = loadKeyRing(
    {
      SAT_MASTER_KEY: randomBytes(32).toString('hex'),
      SAT_MASTER_KEY_ID: 'new',
      SAT_PREVIOUS_MASTER_KEYS: `old:${old.toString('base64')}`,
    },
    dir.path,
  );
  assert.deepEqual(
    ring.keys.map((k) => k.id),
    ['new', 'old'],
  );
  assert.ok(ring.keys[1]!.key.equals(old));
  assert.throws(
    () => loadKeyRing({ SAT_MASTER_KEY: randomBytes(32).toString('hex'), SAT_PREVIOUS_MASTER_KEYS: 'no-colon' }, dir.path),
    /must be "<key id>:<key>"/,
  );
  const a = generateMasterKey();
  const b = generateMasterKey();
  writeKeyFile(dir.path, [a, b]);
  assert.equal(statSync(join(dir.path, MASTER_KEY_FILE)).mode & 0o777, 0o600);
  assert.deepEqual(
    loadKeyRing({}, dir.path).keys.map((k) => k.id),
    [a.id, b.id],
  );
});
