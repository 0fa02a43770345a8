import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JwtSigner, verifyWithJwks } from '../../server/emulator/jwt-signer.js';
import { decodeJwt } from '../../server/frame/jwt.js';
import { stableSubject } from '../../server/emulator/claims.js';

test('an ES256 token verifies against the published JWKS and decodes to its claims', () => {
  const signer = JwtSigner.generate();
  const token = signer.sign({ sub: 'x', iat: 100, exp: 200, metadata: { 'é': '"\\' } });
  const decoded = decodeJwt(token);
  assert.equal(decoded?.header.alg, 'ES256');
  assert.equal(decoded?.header.kid, signer.kid);
  assert.deepEqual(decoded?.claims.metadata, { 'é': '"\\' });
  const jwks = JSON.parse(JSON.stringify(signer.jwks())) as { keys: object[] };
  assert.deepEqual(verifyWithJwks(token, jwks, 150), { ok: true, claims: decoded?.claims });
});

test('expiry, tampering, other keys and garbage are each reported', () => {
  const signer = JwtSigner.generate();
  const token = signer.sign({ iat: 100, exp: 200 });
  assert.deepEqual(signer.verify(token, 200), { ok: false, reason: 'expired' });
  const [h, , s] = token.split('.');
  const forged = `${h}.${Buffer.from(JSON.stringify({ iat: 100, exp: 999 })).toString('base64url')}.${s}`;
  assert.deepEqual(signer.verify(forged, 150), { ok: false, reason: 'bad_signature' });
  assert.deepEqual(JwtSigner.generate().verify(token, 150), { ok: false, reason: 'unknown_key' });
  assert.deepEqual(signer.verify('a.b.c', 150), { ok: false, reason: 'malformed' });
  assert.equal(decodeJwt('not-a-jwt'), null);
});

test('the signing key survives a PEM round trip', () => {
  const signer = JwtSigner.generate();
  const again = JwtSigner.fromPem(signer.toPem());
  assert.equal(again.kid, signer.kid);
  assert.equal(again.verify(signer.sign({ exp: 10 }), 5).ok, true);
});

test('the subject is stable per email within an entity and differs across entities', () => {
  const a = stableSubject('account', 'E1', 'Ann@Example.com');
  assert.equal(stableSubject('account', 'e1', 'ann@example.com'), a);
  assert.notEqual(stableSubject('account', 'E2', 'ann@example.com'), a);
  assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});
