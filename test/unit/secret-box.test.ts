import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { aadFor, fingerprint, keyIdOf, open, seal, SecretBoxError, type MasterKey } from '../../server/crypto/secret-box.js';
import { Secret } from '../../server/crypto/secret.js';
import { inspect } from 'node:util';

const key: MasterKey = { id: 'k-test', key: randomBytes(32) };
const other: MasterKey = { id: 'k-other', key: randomBytes(32) };
const aad = aadFor('credential_set', 'row-1', 'secret');

test('seal then open gives the plaintext back, and the ciphertext names its key', () => {
  const sealed = seal('s3cret-value', key, aad);
  assert.equal(keyIdOf(sealed), 'k-test');
  assert.equal(sealed.includes('s3cret-value'), false);
  assert.equal(open(sealed, [other, key], aad), 's3cret-value');
  assert.notEqual(seal('s3cret-value', key, aad), sealed, 'a fresh IV every time');
});

test('a ciphertext moved to another row fails to open with a clear error', () => {
  const sealed = seal('s3cret-value', key, aad);
  assert.throws(
    () => open(sealed, [key], aadFor('credential_set', 'row-2', 'secret')),
    (err: Error) => err instanceof SecretBoxError && /moved from another row/.test(err.message),
  );
});

test('a flipped bit fails authentication', () => {
  const sealed = seal('s3cret-value', key, aad);
  const parts = sealed.split('.');
  const ct = Buffer.from(parts[3]!, 'base64url');
  ct[0] = ct[0]! ^ 1;
  parts[3] = ct.toString('base64url');
  assert.throws(() => open(parts.join('.'), [key], aad), SecretBoxError);
});

test('a ciphertext under a key that is not configured says which key is missing', () => {
  const sealed = seal('x', other, aad);
  assert.throws(() => open(sealed, [key], aad), /master key "k-other", which is not configured/);
  assert.throws(() => open('garbage', [key], aad), /not in a known format/);
});

test('fingerprints are short, stable per key and do not reveal the secret', () => {
  const a = fingerprint('s3cret-value', key);
  assert.match(a, /^[0-9a-f]{12}$/);
  assert.equal(fingerprint('s3cret-value', key), a);
  assert.notEqual(fingerprint('s3cret-valuf', key), a);
  assert.notEqual(fingerprint('s3cret-value', other), a);
});

test('a Secret prints [REDACTED] in every serialisation', () => {
  const s = new Secret('canary-123');
  assert.equal(String(s), '[REDACTED]');
  assert.equal(JSON.stringify({ s }), '{"s":"[REDACTED]"}');
  assert.equal(inspect({ s }).includes('canary-123'), false);
  assert.equal(`${s}`, '[REDACTED]');
  assert.equal(s.reveal(), 'canary-123');
});
