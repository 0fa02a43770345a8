// F12 and F13 of issue 13: what the console tells people who should not know. Tags of providers a support user
// is not granted; internal upstream origins in unauthenticated readiness, metrics and API docs; and requests
// for a Host name the console is not reached at (DNS rebinding against a console on loopback).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import { addUser, startTestConsole, type TestConsole } from '../helpers/console.js';
import { http, signIn } from '../helpers/http.js';
import { providerName } from '../helpers/fixtures.js';

const OPS = randomBytes(24).toString('hex');
const INTERNAL = 'https://frame-gateway.corp.example';
let app: TestConsole;
let granted: string;

before(async () => {
  app = await startTestConsole({ OPS_TOKEN: OPS });
  const cred = await http<{ id: string }>('POST', `${app.url}/api/credential-sets`, {
    name: 'Internal',
    clientId: `${randomUUID()}.img.frame.nutanix.com`,
    clientSecret: randomBytes(20).toString('hex'),
    upstreamUrl: INTERNAL,
  });
  assert.equal(cred.status, 201, cred.text);
  const add = async (tags: string[]) =>
    (
      await http<{ id: string }>('POST', `${app.url}/api/providers`, {
        name: providerName(),
        tokenDurationMin: 30,
        entityLevel: 'account',
        entityId: randomUUID(),
        credentialSetId: cred.json.id,
        tags,
      })
    ).json.id;
  granted = await add(['kiosk']);
  await add(['acme-confidential']);
});
after(() => app?.stop());

test('a support user sees the tags of the providers granted to them only', async () => {
  const user = await addUser(app, 'support', [granted]);
  const session = await signIn(app.url, user.email, user.password);
  const tags = await http<string[]>('GET', `${app.url}/api/provider-tags`, undefined, { cookie: session.cookie });
  assert.equal(tags.status, 200);
  assert.deepEqual(tags.json, ['kiosk']);
  assert.deepEqual(
    (await http<string[]>('GET', `${app.url}/api/provider-tags`)).json.sort(),
    ['acme-confidential', 'kiosk'],
    'the owner sees every tag',
  );
});

test('unauthenticated readiness says ready or not and nothing else; details, metrics and docs name no upstream', async () => {
  const probe = await http('GET', `${app.url}/api/ready`, undefined, { cookie: '' });
  assert.deepEqual([probe.status, probe.json], [200, { ready: true }]);
  for (const path of ['/api/ready/detail', '/api/metrics']) {
    assert.equal((await http('GET', `${app.url}${path}`, undefined, { cookie: '' })).status, 401, path);
    assert.equal(
      (await http('GET', `${app.url}${path}`, undefined, { cookie: '', authorization: `Bearer ${OPS.slice(1)}x` })).status,
      401,
      `${path} with a wrong token`,
    );
    const withToken = await http('GET', `${app.url}${path}`, undefined, { cookie: '', authorization: `Bearer ${OPS}` });
    assert.equal(withToken.status, 200, path);
    assert.equal((await http('GET', `${app.url}${path}`)).status, 200, `${path} for the owner`);
  }
  const viewer = await addUser(app, 'viewer');
  const session = await signIn(app.url, viewer.email, viewer.password);
  assert.equal((await http('GET', `${app.url}/api/metrics`, undefined, { cookie: session.cookie })).status, 403);
  const docs = await http('GET', `${app.url}/docs/json`, undefined, { cookie: '' });
  assert.equal(docs.status, 200);
  assert.equal(docs.text.includes('corp.example'), false);
});

/** A request with the Host header a browser would send for another name that resolves to this console. */
function withHost(host: string, path: string): Promise<{ status: number; body: string }> {
  const url = new URL(app.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path, headers: { host } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('a console on loopback answers only to loopback names and PUBLIC_URL (DNS rebinding)', async (t) => {
  const port = new URL(app.url).port;
  for (const path of ['/api/session', '/', '/emulator/.well-known/jwks.json', '/api/ready']) {
    const res = await withHost(`rebind.attacker.example:${port}`, path);
    assert.equal(res.status, 421, `${path}: ${res.body.slice(0, 120)}`);
    assert.match(res.body, /request\/bad_host/);
  }
  for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`])
    assert.equal((await withHost(host, '/api/ready')).status, 200, host);

  const named = await startTestConsole({ PUBLIC_URL: 'https://sat.example.com' });
  t.after(() => named.stop());
  const url = new URL(named.url);
  const ask = (host: string) =>
    new Promise<number>((resolve, reject) => {
      const req = httpRequest({ host: url.hostname, port: url.port, path: '/api/ready', headers: { host } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
  assert.equal(await ask('sat.example.com'), 200);
  assert.equal(await ask('evil.example.com'), 421);
});
