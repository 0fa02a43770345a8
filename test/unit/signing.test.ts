import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frameSignature, signedHeaders } from '../../server/crypto/frame-signature.js';
import { stringToSign, unixSeconds } from '../../server/frame/signing-rules.js';
import { VECTOR } from '../helpers/fixtures.js';

test('the research vector signs to the published signature', () => {
  assert.equal(frameSignature(VECTOR.clientId, VECTOR.secret, VECTOR.timestamp), VECTOR.signature);
  assert.equal(frameSignature(VECTOR.clientId, VECTOR.secret, String(VECTOR.timestamp)), VECTOR.signature);
});

test('the signature is 64 lowercase hex characters and changes with every input', () => {
  const base = frameSignature('client', 'secret', 1700000000);
  assert.match(base, /^[0-9a-f]{64}$/);
  assert.notEqual(frameSignature('client2', 'secret', 1700000000), base);
  assert.notEqual(frameSignature('client', 'secret2', 1700000000), base);
  assert.notEqual(frameSignature('client', 'secret', 1700000001), base);
});

test('the signed string is the timestamp immediately followed by the client id', () => {
  assert.equal(stringToSign(VECTOR.clientId, VECTOR.timestamp), `1700000000${VECTOR.clientId}`);
});

test('signedHeaders gives the three X-Frame headers with the timestamp in seconds', () => {
  const headers = signedHeaders(VECTOR.clientId, VECTOR.secret, VECTOR.timestamp);
  assert.deepEqual(headers, {
    'X-Frame-ClientId': VECTOR.clientId,
    'X-Frame-Timestamp': '1700000000',
    'X-Frame-Signature': VECTOR.signature,
  });
  assert.equal(unixSeconds(1_700_000_000_999), 1_700_000_000);
});
