// F3 of issue 13: a URL the console fetches for a user is an SSRF door. Custom upstreams on this machine,
// private, link-local (cloud metadata), CGNAT, multicast or unspecified addresses are refused when saved and
// again at connect time on the resolved address (DNS rebinding), unless the operator allow-lists them; and an
// upstream's error body is never echoed raw.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { databaseEnv, startTestConsole, type TestConsole } from '../helpers/console.js';
import { rawSql } from '../helpers/databases.js';
import { http } from '../helpers/http.js';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { providerName } from '../helpers/fixtures.js';
import { UpstreamClient } from '../../server/upstream/client.js';
import { Secret } from '../../server/crypto/secret.js';
import { addressProblem } from '../../server/upstream/address-policy.js';
import { loadKeyRing } from '../../server/crypto/master-key.js';
import { aadFor, seal } from '../../server/crypto/secret-box.js';

let app: TestConsole;
let fake: FakeUpstream;
let allowed: FakeUpstream;

before(async () => {
  fake = await startFakeUpstream();
  allowed = await startFakeUpstream();
  app = await startTestConsole({ UPSTREAM_ALLOW_HOSTS: allowed.host });
});
after(async () => {
  await app?.stop();
  await fake?.close();
  await allowed?.close();
});

const credential = (upstreamUrl: string) =>
  http<{ id: string; error: string; message: string; fields: { field: string; message: string }[] }>(
    'POST',
    `${app.url}/api/credential-sets`,
    {
      name: `ssrf ${randomUUID().slice(0, 8)}`,
      clientId: `${randomUUID()}.img.frame.nutanix.com`,
      clientSecret: randomBytes(20).toString('hex'),
      upstreamUrl,
    },
  );

const provider = async (credentialSetId: string) => {
  const res = await http<{ id: string }>('POST', `${app.url}/api/providers`, {
    name: providerName(),
    tokenDurationMin: 30,
    entityLevel: 'account',
    entityId: randomUUID(),
    credentialSetId,
  });
  assert.equal(res.status, 201, res.text);
  return res.json.id;
};

test('custom upstreams on loopback, private, link-local, CGNAT, multicast or unspecified addresses are refused when saved', async () => {
  const refused = [
    'http://127.0.0.1:9',
    'https://127.0.0.1',
    'https://127.1',
    'https://2130706433',
    'https://0x7f.0.0.1',
    'http://[::1]:8090',
    'https://[::1]',
    'https://localhost',
    'https://localhost.',
    'https://api.localhost',
    'https://169.254.169.254',
    'https://10.1.2.3',
    'https://172.16.0.1',
    'https://192.168.1.1',
    'https://100.64.0.1',
    'https://[fe80::1]',
    'https://[fc00::1]',
    'https://[::ffff:127.0.0.1]',
    'https://[::ffff:a9fe:a9fe]',
    'https://[64:ff9b::a00:1]',
    'https://224.0.0.1',
    'https://0.0.0.0',
    'https://[::]',
  ];
  const problems: string[] = [];
  for (const url of refused) {
    const res = await credential(url);
    if (res.status !== 400 || res.json.fields?.[0]?.field !== 'upstreamUrl' || !/UPSTREAM_ALLOW_HOSTS=/.test(res.json.message))
      problems.push(`${url}: ${res.status} ${res.text.slice(0, 160)}`);
  }
  assert.deepEqual(problems, []);
  // Also on edit (with the secret) and in an import.
  const ok = await credential('https://frame.example.com');
  assert.equal(ok.status, 201, ok.text);
  assert.equal(
    (
      await http('PATCH', `${app.url}/api/credential-sets/${ok.json.id}`, {
        upstreamUrl: 'https://169.254.169.254',
        clientSecret: 'x'.repeat(20),
      })
    ).status,
    400,
  );
  const file = {
    format: 'sat-playground/export',
    version: 1,
    exportedAt: new Date().toISOString(),
    credentialSets: [{ name: 'meta', clientId: 'c', upstreamUrl: 'https://[fd00::1]', entityLevel: null, entityId: null, notes: '' }],
    providers: [],
  };
  const imported = await http<{ report: { rows: { reason?: string }[] } }>('POST', `${app.url}/api/import`, {
    file,
    secrets: { meta: 'y'.repeat(20) },
  });
  assert.equal(imported.status, 422);
  assert.match(imported.json.report.rows[0]!.reason!, /private/);
});

test('an allow-listed host is reached; every other loopback port is not, even when the database holds its URL', async () => {
  const good = await credential(allowed.url);
  assert.equal(good.status, 201, good.text);
  const id = await provider(good.json.id);
  assert.equal((await http('POST', `${app.url}/api/providers/${id}/tokens`, {})).status, 200);
  assert.equal(allowed.seen.length, 1);

  // A URL stored before the policy (written into the database with its secret re-sealed for it, as an older
  // version could have saved it): refused when connecting, nothing sent.
  const old = await credential(allowed.url);
  const oldProvider = await provider(old.json.id);
  const [row] = (await rawSql<{ clientId: string }>(app.database, 'SELECT "clientId" FROM "CredentialSet" WHERE "id" = ?', [
    old.json.id,
  ])) as [{ clientId: string }];
  const sealed = seal(
    's'.repeat(40),
    loadKeyRing(await databaseEnv(app.dataDir), app.dataDir).current,
    aadFor('credential_set', old.json.id, 'secret', { clientId: row.clientId, upstreamUrl: fake.url }),
  );
  await rawSql(app.database, 'UPDATE "CredentialSet" SET "upstreamUrl" = ?, "secretCiphertext" = ? WHERE "id" = ?', [
    fake.url,
    sealed,
    old.json.id,
  ]);
  app.services.providers.invalidate();
  const res = await http<{ error: string; message: string }>('POST', `${app.url}/api/providers/${oldProvider}/tokens`, {});
  assert.equal(res.status, 422, res.text);
  assert.equal(res.json.error, 'upstream/address_blocked');
  assert.match(res.json.message, /UPSTREAM_ALLOW_HOSTS=127\.0\.0\.1:\d+/);
  assert.equal(fake.seen.length, 0, 'nothing reached the other port');
});

test('a name that resolves to loopback at connect time (DNS rebinding) is refused; allow-listed, it goes through', async (t) => {
  const port = new URL(fake.url).port;
  const rebinding = (
    hostname: string,
    _o: unknown,
    cb: (err: NodeJS.ErrnoException | null, a: { address: string; family: number }[]) => void,
  ) =>
    cb(
      null,
      hostname === 'rebind.test'
        ? [
            { address: '93.184.215.14', family: 4 },
            { address: '127.0.0.1', family: 4 },
          ]
        : [],
    );
  const request = {
    baseUrl: `http://rebind.test:${port}`,
    target: { level: 'account' as const, entityId: randomUUID(), providerName: providerName() },
    clientId: 'c.img.frame.nutanix.com',
    secret: new Secret('s'.repeat(40)),
    body: {},
  };
  const guarded = new UpstreamClient({ resolve: rebinding, timeouts: { totalMs: 1500 } });
  t.after(() => guarded.close());
  const before = fake.seen.length;
  const out = await guarded.mintToken(request);
  assert.equal(out.kind, 'address_blocked');
  assert.match((out as { message: string }).message, /rebind\.test: it resolves to a loopback address/);
  assert.equal(fake.seen.length, before, 'no request left');
  const json = await guarded.getJson(`http://rebind.test:${port}/.well-known/jwks.json`);
  assert.equal(json.ok, false);

  const trusting = new UpstreamClient({
    resolve: (h, o, cb) => cb(null, [{ address: '127.0.0.1', family: 4 }]),
    allowHosts: [`rebind.test:${port}`],
    timeouts: { totalMs: 1500 },
  });
  t.after(() => trusting.close());
  assert.equal((await trusting.mintToken(request)).kind, 'ok');
  assert.equal(fake.seen.length, before + 1);
});

test('the address classes, v4 and v6', () => {
  for (const ip of [
    '127.0.0.1',
    '10.0.0.1',
    '172.31.255.255',
    '192.168.0.1',
    '100.127.0.1',
    '169.254.169.254',
    '0.0.0.0',
    '224.0.0.251',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fd12:3456::1',
    'ff02::1',
    '::ffff:10.0.0.1',
    '::ffff:7f00:1',
    '64:ff9b::7f00:1',
    '64:ff9b:1::7f00:1',
    '::ffff:0:7f00:1',
    '2002:7f00:1::',
  ]) {
    assert.notEqual(addressProblem(ip), null, ip);
  }
  for (const ip of ['93.184.215.14', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '::ffff:8.8.8.8'])
    assert.equal(addressProblem(ip), null, ip);
});

test('an upstream error body is quoted only when Frame-shaped; anything else gives status, content type and size', async () => {
  const cred = await credential(allowed.url);
  const id = await provider(cred.json.id);
  const mint = () => http<{ error: string; message: string; upstream?: unknown }>('POST', `${app.url}/api/providers/${id}/tokens`, {});

  allowed.answer(() => ({ status: 500, body: JSON.stringify({ message: 'db password=hunter2', stack: 'at internal.js:1' }) }));
  let res = await mint();
  assert.equal(res.status, 502);
  assert.equal(res.text.includes('hunter2'), false, res.text);
  assert.match(res.json.message, /application\/json, \d+ bytes/);

  allowed.answer(() => ({ status: 500, body: '<html><body>Internal: secret-page</body></html>', contentType: 'text/html' }));
  res = await mint();
  assert.equal(res.text.includes('secret-page'), false);
  assert.match(res.json.message, /text\/html, 47 bytes/);

  allowed.answer(() => ({
    status: 403,
    body: JSON.stringify({ error: 'forbidden', message: 'This API credential may not generate tokens\u0000 for that entity.' }),
  }));
  res = await mint();
  assert.equal(res.status, 422);
  assert.match(res.json.message, /Upstream said: This API credential may not generate tokens for that entity\./);

  // A gateway that echoes the request's headers in a Frame-shaped error: the signature is not passed on.
  allowed.answer((req) => ({
    status: 401,
    body: JSON.stringify({ error: 'invalid_signature', message: `headers: ${JSON.stringify(req.headers)}` }),
  }));
  res = await mint();
  const sent = String(allowed.seen.at(-1)!.headers['x-frame-signature']);
  assert.match(sent, /^[0-9a-f]{64}$/);
  assert.equal(res.text.toLowerCase().includes(sent), false, 'the echoed signature reached the caller');
  assert.equal(res.text.includes(sent.slice(0, 32)), false);

  // Check token reads /me/assertions: a refusal's body is quoted only when Frame-shaped too.
  allowed.answer(() => ({ status: 401, body: JSON.stringify({ detail: 'internal-only', message: 'leaky' }) }));
  const check = await http<{ message: string }>('POST', `${app.url}/api/providers/${id}/assertions`, {
    token: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2ln',
  });
  assert.equal(check.status, 200, check.text);
  assert.equal(check.text.includes('leaky'), false);
  allowed.answer(() => ({ status: 200, body: '"a.b.c"' }));
});
