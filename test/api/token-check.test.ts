// Checking a minted token: signature against the upstream's JWKS, and the upstream's /me/assertions.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { startTestConsole, startWithDemo, type TestConsole } from '../helpers/console.js';
import { startFakeUpstream, type FakeAnswer, type FakeUpstream } from '../helpers/fake-upstream.js';
import { http } from '../helpers/http.js';

let app: TestConsole;
let demo: any;
before(async () => {
  ({ app, demo } = await startWithDemo());
});
after(() => app.stop());

test('a fresh token has a valid signature and its assertions are the metadata', async () => {
  const minted = (await http<any>('POST', `${app.url}/api/providers/${demo.id}/tokens`, { metadata: { language: 'EN', seat: 4 } })).json;
  const sig = await http<any>('POST', `${app.url}/api/providers/${demo.id}/signature-check`, { token: minted.token });
  assert.equal(sig.status, 200);
  assert.equal(sig.json.status, 'valid');
  assert.equal(sig.json.jwksUrl, `${app.url}/emulator/.well-known/jwks.json`);
  const check = await http<any>('POST', `${app.url}/api/providers/${demo.id}/assertions`, { token: minted.token });
  assert.equal(check.status, 200);
  assert.equal(check.headers.get('cache-control'), 'no-store');
  assert.deepEqual([check.json.accepted, check.json.status], [true, 200]);
  assert.deepEqual(check.json.assertions, { language: 'EN', seat: 4 });
});

test('a tampered token fails both checks, and bad inputs get 4xx', async () => {
  const { token } = (await http<any>('POST', `${app.url}/api/providers/${demo.id}/tokens`, {})).json;
  const [h, , s] = token.split('.');
  const forged = `${h}.${Buffer.from(JSON.stringify({ exp: 9999999999, metadata: { admin: true } })).toString('base64url')}.${s}`;
  const sig = await http<any>('POST', `${app.url}/api/providers/${demo.id}/signature-check`, { token: forged });
  assert.equal(sig.json.status, 'invalid');
  assert.match(sig.json.message, /bad signature/);
  const check = await http<any>('POST', `${app.url}/api/providers/${demo.id}/assertions`, { token: forged });
  assert.deepEqual([check.json.accepted, check.json.status, check.json.assertions], [false, 401, null]);
  assert.match(check.json.message, /refused the token \(401\)/);

  assert.equal((await http('POST', `${app.url}/api/providers/${demo.id}/assertions`, { token: 'not a jwt' })).status, 400);
  assert.equal((await http('POST', `${app.url}/api/providers/${demo.id}/assertions`, {})).status, 400);
  assert.equal((await http('POST', `${app.url}/api/providers/${randomUUID()}/signature-check`, { token })).status, 404);
});

test('upstreams without published keys say so instead of guessing', async () => {
  const cred = (
    await http<any>('POST', `${app.url}/api/credential-sets`, {
      name: 'prod',
      clientId: 'prod-client',
      clientSecret: 'prod-secret-1',
      upstreamUrl: 'https://api.console.nutanix.com',
    })
  ).json;
  const prov = (
    await http<any>('POST', `${app.url}/api/providers`, {
      tokenDurationMin: 60,
      entityLevel: 'account',
      entityId: randomUUID(),
      credentialSetId: cred.id,
    })
  ).json;
  assert.equal(prov.environment, 'production');
  const { token } = (await http<any>('POST', `${app.url}/api/providers/${demo.id}/tokens`, {})).json;
  const sig = await http<any>('POST', `${app.url}/api/providers/${prov.id}/signature-check`, { token });
  assert.deepEqual([sig.json.status, sig.json.jwksUrl], ['unavailable', null]);
});

describe("an upstream's broken key set or a token of the wrong kind is answered, never a 500", () => {
  let upstream: FakeUpstream;
  let checked: TestConsole;
  let providerId: string;
  let jwks: () => FakeAnswer;
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const claims = () => ({ sub: 'u1', exp: Math.floor(Date.now() / 1000) + 600 });
  const es256 = (kid: string) => {
    const input = `${b64({ alg: 'ES256', typ: 'JWT', kid })}.${b64(claims())}`;
    return `${input}.${sign('sha256', Buffer.from(input), { key: ec.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
  };
  const keySet =
    (...keys: object[]) =>
    () => ({ status: 200, body: JSON.stringify({ keys }) });
  const rsaJwk = { ...rsa.publicKey.export({ format: 'jwk' }), kid: 'rsa-1', use: 'sig' };
  const ecJwk = { ...ec.publicKey.export({ format: 'jwk' }), kid: 'ec-1', alg: 'ES256', use: 'sig' };
  const check = (token: string) =>
    http<{ status: string; message: string }>('POST', `${checked.url}/api/providers/${providerId}/signature-check`, { token });

  before(async () => {
    upstream = await startFakeUpstream();
    upstream.answer((req) => (req.url === '/.well-known/jwks.json' ? jwks() : { status: 404, body: '{}' }));
    checked = await startTestConsole({ LOG_LEVEL: 'warn', UPSTREAM_ALLOW_HOSTS: upstream.host });
    const cred = (
      await http<any>('POST', `${checked.url}/api/credential-sets`, {
        name: 'fake',
        clientId: 'c',
        clientSecret: 'fake-secret-1',
        upstreamUrl: upstream.url,
      })
    ).json;
    providerId = (
      await http<any>('POST', `${checked.url}/api/providers`, {
        tokenDurationMin: 60,
        entityLevel: 'account',
        entityId: randomUUID(),
        credentialSetId: cred.id,
      })
    ).json.id;
  });
  after(async () => {
    await checked?.stop();
    await upstream?.close();
  });

  test('a malformed key in the key set: the token is not verified, and the answer says why', async () => {
    jwks = keySet({ kty: 'EC', crv: 'P-256', x: 'not-a-point', y: 'AAAA', kid: 'ec-1', alg: 'ES256' });
    const res = await check(es256('ec-1'));
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.status, 'unavailable');
    assert.match(res.json.message, /^The signature cannot be checked: the upstream's key for this token cannot be used/);
  });

  test('a key jose refuses to use (RSA under 2048 bits): the check could not be made, not a 500', async () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
    jwks = keySet({ ...small.publicKey.export({ format: 'jwk' }), kid: 'rsa-small', alg: 'RS256', use: 'sig' });
    const input = `${b64({ alg: 'RS256', typ: 'JWT', kid: 'rsa-small' })}.${b64(claims())}`;
    const res = await check(`${input}.${sign('sha256', Buffer.from(input), small.privateKey).toString('base64url')}`);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.status, 'unavailable');
    assert.match(res.json.message, /cannot be checked: .*2048/);
  });

  test('a signature that verifies with a claim out of shape says the signature verifies', async () => {
    jwks = keySet(ecJwk);
    const input = `${b64({ alg: 'ES256', typ: 'JWT', kid: 'ec-1' })}.${b64({ sub: 'u1', exp: 'tomorrow' })}`;
    const token = `${input}.${sign('sha256', Buffer.from(input), { key: ec.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
    const res = await check(token);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.status, 'valid');
    assert.match(res.json.message, /^The signature verifies, but its exp claim is invalid/);
  });

  test('a key set that is not JSON, not an object, or without a keys array', async () => {
    for (const body of ['<html>', 'null', '[]', '"keys"', '{}', '{"keys":{}}', '{"keys":[null,7,"x"]}']) {
      jwks = () => ({ status: 200, body });
      const res = await check(es256('ec-1'));
      assert.equal(res.status, 200, `${body}: ${res.text}`);
      assert.equal(res.json.status, 'unavailable', body);
      assert.match(res.json.message, /key set could not be read/);
    }
    jwks = () => ({ status: 404, body: '{"error":"not_found"}' });
    assert.deepEqual((await check(es256('ec-1'))).json, {
      status: 'unavailable',
      message: 'The upstream answered 404 for its key set.',
      jwksUrl: `${upstream.url}/.well-known/jwks.json`,
    });
  });

  test('the good key verifies; alg none, HS256 signed with the public key, and a key of another type do not', async () => {
    jwks = keySet(rsaJwk, ecJwk);
    assert.equal((await check(es256('ec-1'))).json.status, 'valid');
    const none = await check(`${b64({ alg: 'none', typ: 'JWT', kid: 'ec-1' })}.${b64(claims())}.c2ln`);
    assert.deepEqual([none.status, none.json.status], [200, 'invalid']);
    assert.match(none.json.message, /algorithm is not accepted/);
    // The classic confusion: an HMAC keyed with the published RSA key's bytes.
    const hsInput = `${b64({ alg: 'HS256', typ: 'JWT', kid: 'rsa-1' })}.${b64(claims())}`;
    const pem = rsa.publicKey.export({ format: 'pem', type: 'spki' });
    const hs = await check(`${hsInput}.${createHmac('sha256', pem).update(hsInput).digest('base64url')}`);
    assert.deepEqual([hs.status, hs.json.status], [200, 'invalid']);
    // An ES256 header naming the RSA key, signed with RSA: the key type does not fit the algorithm.
    const wrongInput = `${b64({ alg: 'ES256', typ: 'JWT', kid: 'rsa-1' })}.${b64(claims())}`;
    const wrongType = await check(`${wrongInput}.${sign('sha256', Buffer.from(wrongInput), rsa.privateKey).toString('base64url')}`);
    assert.deepEqual([wrongType.status, wrongType.json.status], [200, 'invalid']);
    assert.equal((await check(es256('nobody'))).json.status, 'invalid');
  });
});
