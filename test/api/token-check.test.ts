// Checking a minted token: signature against the upstream's JWKS, and the upstream's /me/assertions.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startWithDemo, type TestConsole } from '../helpers/console.js';
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
  const cred = (await http<any>('POST', `${app.url}/api/credential-sets`, { name: 'prod', clientId: 'prod-client', clientSecret: 'prod-secret-1', upstreamUrl: 'https://api.console.nutanix.com' })).json;
  const prov = (await http<any>('POST', `${app.url}/api/providers`, { tokenDurationMin: 60, entityLevel: 'account', entityId: randomUUID(), credentialSetId: cred.id })).json;
  assert.equal(prov.environment, 'production');
  const { token } = (await http<any>('POST', `${app.url}/api/providers/${demo.id}/tokens`, {})).json;
  const sig = await http<any>('POST', `${app.url}/api/providers/${prov.id}/signature-check`, { token });
  assert.deepEqual([sig.json.status, sig.json.jwksUrl], ['unavailable', null]);
});
