import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { JwtSigner } from '../../server/emulator/jwt-signer.js';
import { readKeySet, verifyJwt } from '../../server/crypto/verify-jwt.js';
import { decodeJwt } from '../../server/frame/jwt.js';
import { stableSubject } from '../../server/emulator/claims.js';
import { verifyWithJwks } from '../helpers/verify-token.js';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const reasonOf = async (token: string, jwks: unknown, nowMs: number) => {
  const r = await verifyWithJwks(token, jwks, nowMs);
  return r.ok ? 'ok' : r.reason;
};

test('an ES256 token verifies against the published JWKS and decodes to its claims', async () => {
  const signer = JwtSigner.generate();
  const token = signer.sign({ sub: 'x', iat: 100, exp: 200, metadata: { é: '"\\' } });
  const decoded = decodeJwt(token);
  assert.equal(decoded?.header.alg, 'ES256');
  assert.equal(decoded?.header.kid, signer.kid);
  assert.deepEqual(decoded?.claims.metadata, { é: '"\\' });
  const jwks = JSON.parse(JSON.stringify(signer.jwks())) as { keys: object[] };
  assert.deepEqual(
    Object.keys(jwks.keys[0]!).sort(),
    ['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y'],
    'the published key: public members only',
  );
  assert.deepEqual(await verifyWithJwks(token, jwks, 150_000), { ok: true, claims: decoded?.claims });
});

test('expiry, tampering, other keys and garbage are each reported', async () => {
  const signer = JwtSigner.generate();
  const token = signer.sign({ iat: 100, exp: 200 });
  assert.equal((await signer.verify(token, 199_999)).ok, true);
  assert.deepEqual(await signer.verify(token, 200_000), { ok: false, reason: 'expired', message: 'the token has expired' });
  assert.equal(await signer.verify(signer.sign({ nbf: 300 }), 299_000).then((r) => (r.ok ? 'ok' : r.reason)), 'not_yet_valid');
  const [h, , s] = token.split('.');
  const forged = `${h}.${b64({ iat: 100, exp: 999 })}.${s}`;
  assert.equal(await reasonOf(forged, signer.jwks(), 150_000), 'bad_signature');
  assert.equal(await reasonOf(token, JwtSigner.generate().jwks(), 150_000), 'unknown_key');
  assert.equal(await reasonOf('a.b.c', signer.jwks(), 150_000), 'malformed');
  assert.equal(decodeJwt('not-a-jwt'), null);
});

test('the key must fit the algorithm: alg none, HMAC with the public key, and a key of another type are refused', async () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwks = {
    keys: [
      { ...rsa.publicKey.export({ format: 'jwk' }), kid: 'rsa' },
      { ...ec.publicKey.export({ format: 'jwk' }), kid: 'ec' },
    ],
  };
  const signed = (header: object, key: Parameters<typeof sign>[2], algorithm: string | null = 'sha256') => {
    const input = `${b64({ typ: 'JWT', ...header })}.${b64({ sub: 'x' })}`;
    return `${input}.${sign(algorithm, Buffer.from(input), key).toString('base64url')}`;
  };
  assert.equal(await reasonOf(signed({ alg: 'RS256', kid: 'rsa' }, rsa.privateKey), jwks, 0), 'ok');
  assert.equal(await reasonOf(signed({ alg: 'ES256', kid: 'ec' }, { key: ec.privateKey, dsaEncoding: 'ieee-p1363' }), jwks, 0), 'ok');
  // An RSA PKCS#1 v1.5 signature under an ES256 header, naming the RSA key: node:crypto would verify it
  // (the key decides the scheme); the key type must follow the algorithm.
  assert.equal(await reasonOf(signed({ alg: 'ES256', kid: 'rsa' }, rsa.privateKey), jwks, 0), 'unknown_key');
  assert.equal(await reasonOf(`${b64({ alg: 'none' })}.${b64({ sub: 'x' })}.`, jwks, 0), 'algorithm_not_allowed');
  assert.equal(await reasonOf(`${b64({ alg: 'none', kid: 'ec' })}.${b64({ sub: 'x' })}.c2ln`, jwks, 0), 'algorithm_not_allowed');
  assert.equal(await reasonOf(`${b64({ alg: 'HS256', kid: 'rsa' })}.${b64({ sub: 'x' })}.c2ln`, jwks, 0), 'algorithm_not_allowed');
});

test('a key set that is not one, and a key in it that cannot be imported, are told apart from a bad token', async () => {
  for (const json of [null, [], 'keys', {}, { keys: {} }, { keys: [null] }]) assert.equal(readKeySet(json).ok, false, JSON.stringify(json));
  const signer = JwtSigner.generate();
  const token = signer.sign({ sub: 'x' });
  const broken = readKeySet({ keys: [{ ...signer.jwks().keys[0], x: 'not-a-point' }] });
  assert.ok(broken.ok);
  const r = await verifyJwt(token, broken.keys, 0);
  assert.equal(r.ok ? 'ok' : r.reason, 'unusable_key');
  const priv = readKeySet({
    keys: [
      {
        ...JSON.parse(JSON.stringify(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }))),
        kid: signer.kid,
      },
    ],
  });
  assert.ok(priv.ok);
  const p = await verifyJwt(token, priv.keys, 0);
  assert.equal(p.ok ? 'ok' : p.reason, 'unusable_key', 'a private key has no place in a published set');
});

test('the signing key survives a PEM round trip', async () => {
  const signer = JwtSigner.generate();
  const again = JwtSigner.fromPem(signer.toPem());
  assert.equal(again.kid, signer.kid);
  assert.equal((await again.verify(signer.sign({ exp: 10 }), 5_000)).ok, true);
});

test('the subject is stable per email within an entity and differs across entities', () => {
  const a = stableSubject('account', 'E1', 'Ann@Example.com');
  assert.equal(stableSubject('account', 'e1', 'ann@example.com'), a);
  assert.notEqual(stableSubject('account', 'E2', 'ann@example.com'), a);
  assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});
