// test-backends: sqlite — the emulator has no database: once is enough
// The emulator over real HTTP: the Frame contract, every rejection, and the fault knobs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { signedHeaders } from '../../server/crypto/frame-signature.js';
import { unixSeconds } from '../../server/frame/signing-rules.js';
import { tokenUri } from '../../server/frame/entity.js';
import { verifyWithJwks } from '../helpers/verify-token.js';
import { startEmulator, scenario, type TestEmulator } from '../helpers/emulator.js';
import { http } from '../helpers/http.js';
import { providerName } from '../helpers/fixtures.js';

const s = scenario();
let emu: TestEmulator;
let uri: string;

before(async () => {
  emu = await startEmulator({ ...s.config, control: true });
  uri = tokenUri(emu.url, { level: 'account', entityId: s.accountId, providerName: s.provider.name });
});
after(async () => emu.close());

function headers(cred: { clientId: string; clientSecret: string } = s.admin, ts = unixSeconds(Date.now())) {
  return signedHeaders(cred.clientId, cred.clientSecret, ts);
}

test('a signed request answers 200 with the JWT as a JSON string that verifies against the JWKS', async () => {
  const body = { first_name: 'Ann', last_name: 'Smith', email: 'ann@example.com', metadata: { language: 'EN', n: { deep: [1, 2] } } };
  const res = await http<string>('POST', uri, body, headers());
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  assert.match(res.text, /^"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+"$/);
  const jwks = (await http<{ keys: object[] }>('GET', `${emu.url}/.well-known/jwks.json`)).json;
  const verified = await verifyWithJwks(res.json, jwks);
  assert.ok(verified.ok);
  const c = verified.claims;
  assert.equal((c.exp as number) - (c.iat as number), s.provider.tokenDurationMinutes * 60);
  assert.equal(c.first_name, 'Ann');
  assert.equal(c.last_name, 'Smith');
  assert.equal(c.email, 'ann@example.com');
  assert.deepEqual(c.metadata, body.metadata);
  assert.equal(c.provider, s.provider.name);
  assert.match(String(c.jti), /^[0-9a-f-]{36}$/);
});

test('sub is stable for one email and jti is new every time', async () => {
  const a = await http<string>('POST', uri, { email: 'kiosk-1@example.com' }, headers());
  const b = await http<string>('POST', uri, { email: 'KIOSK-1@example.com' }, headers());
  const c = await http<string>('POST', uri, { email: 'kiosk-2@example.com' }, headers());
  const claims = (t: string) => JSON.parse(Buffer.from(t.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
  assert.equal(claims(a.json).sub, claims(b.json).sub);
  assert.notEqual(claims(a.json).sub, claims(c.json).sub);
  assert.notEqual(claims(a.json).jti, claims(b.json).jti);
});

test('an empty body works, email_domain makes an anonymous address, and "organisations" is routed', async () => {
  const empty = await http<string>('POST', uri, '', headers());
  assert.equal(empty.status, 200);
  const domain = await http<string>('POST', uri, { email_domain: 'trials.example.com' }, headers());
  const claims = JSON.parse(Buffer.from(domain.json.split('.')[1]!, 'base64url').toString()) as { email: string };
  assert.match(claims.email, /^anonymous-[0-9a-f]{10}@trials\.example\.com$/);
  const orgName = providerName();
  const orgId = s.otherAccountId;
  emu.registry.upsertProvider({ level: 'organization', entityId: orgId, name: orgName, tokenDurationMinutes: 5 });
  const british = await http('POST', `${emu.url}/v1/organisations/${orgId}/secure-anonymous/${orgName}/tokens`, {}, headers());
  assert.equal(british.status, 200);
});

test('/me/assertions returns the metadata for a valid Bearer token and 401 otherwise', async () => {
  const token = (await http<string>('POST', uri, { metadata: { exampleId: 123456, timezone: 'PT' } }, headers())).json;
  const ok = await http('GET', `${emu.url}/api/rest/v1/me/assertions`, undefined, { authorization: `Bearer ${token}` });
  assert.equal(ok.status, 200);
  assert.deepEqual(ok.json, { exampleId: 123456, timezone: 'PT' });
  const none = await http<{ error: string }>('GET', `${emu.url}/api/rest/v1/me/assertions`);
  assert.equal(none.status, 401);
  assert.equal(none.json.error, 'invalid_token');
  const forged = await http<{ message: string }>('GET', `${emu.url}/api/rest/v1/me/assertions`, undefined, {
    authorization: `Bearer ${token.slice(0, -4)}AAAA`,
  });
  assert.equal(forged.status, 401);
  assert.match(forged.json.message, /bad signature/);
});

const rejections: {
  name: string;
  status: number;
  error: string;
  message: RegExp;
  send: () => Promise<{ status: number; json: { error: string; message: string } }>;
}[] = [
  {
    name: 'bad signature',
    status: 401,
    error: 'invalid_signature',
    message: /signature does not match/,
    send: () => http('POST', uri, {}, { ...headers(), 'X-Frame-Signature': '0'.repeat(64) }),
  },
  {
    name: 'secret of another credential',
    status: 401,
    error: 'invalid_signature',
    message: /HMAC-SHA256/,
    send: () => http('POST', uri, {}, { ...signedHeaders(s.admin.clientId, s.narrow.clientSecret, unixSeconds(Date.now())) }),
  },
  {
    name: 'missing headers',
    status: 401,
    error: 'missing_headers',
    message: /X-Frame-Signature/,
    send: () => http('POST', uri, {}, { 'X-Frame-ClientId': s.admin.clientId }),
  },
  {
    name: 'stale timestamp',
    status: 401,
    error: 'stale_timestamp',
    message: /\d+ s behind the server clock.*±300 s/,
    send: () => http('POST', uri, {}, headers(s.admin, unixSeconds(Date.now()) - 301 - 5)),
  },
  {
    name: 'future timestamp',
    status: 401,
    error: 'stale_timestamp',
    message: /ahead of the server clock/,
    send: () => http('POST', uri, {}, headers(s.admin, unixSeconds(Date.now()) + 900)),
  },
  {
    name: 'milliseconds timestamp',
    status: 401,
    error: 'invalid_timestamp',
    message: /looks like milliseconds/,
    send: () => http('POST', uri, {}, { ...signedHeaders(s.admin.clientId, s.admin.clientSecret, Date.now()) }),
  },
  {
    name: 'unknown client id',
    status: 401,
    error: 'unknown_client',
    message: /No API credential/,
    send: () => http('POST', uri, {}, signedHeaders('nobody.img.frame.nutanix.com', 'x', unixSeconds(Date.now()))),
  },
  {
    name: 'credential not allowed for that entity',
    status: 403,
    error: 'forbidden',
    message: /may not generate tokens for account/,
    send: () => http('POST', uri, {}, headers(s.narrow)),
  },
  {
    name: 'unknown provider',
    status: 404,
    error: 'provider_not_found',
    message: /No Secure Anonymous provider/,
    send: () => http('POST', tokenUri(emu.url, { level: 'account', entityId: s.accountId, providerName: providerName() }), {}, headers()),
  },
  {
    name: 'unknown entity collection',
    status: 404,
    error: 'not_found',
    message: /accounts, organizations/,
    send: () => http('POST', `${emu.url}/v1/teams/${s.accountId}/secure-anonymous/${s.provider.name}/tokens`, {}, headers()),
  },
  {
    name: 'malformed JSON',
    status: 400,
    error: 'invalid_json',
    message: /not valid JSON/,
    send: () => http('POST', uri, '{"first_name": ', headers()),
  },
  {
    name: 'metadata not an object',
    status: 400,
    error: 'invalid_body',
    message: /metadata must be a JSON object/,
    send: () => http('POST', uri, { metadata: 'lang=EN' }, headers()),
  },
  {
    name: 'wrong field types',
    status: 400,
    error: 'invalid_body',
    message: /first_name must be a string, got a number/,
    send: () => http('POST', uri, { first_name: 42 }, headers()),
  },
  {
    name: 'unknown field',
    status: 400,
    error: 'invalid_body',
    message: /unknown field "firstName"/,
    send: () => http('POST', uri, { firstName: 'x' }, headers()),
  },
];

for (const r of rejections) {
  test(`rejects ${r.name} with ${r.status} ${r.error}`, async () => {
    const res = await r.send();
    assert.equal(res.status, r.status);
    assert.equal(res.json.error, r.error);
    assert.match(res.json.message, r.message);
  });
}

test('a signature of the right length in multi-byte characters is a 401, not a crash', async () => {
  const res = await http<{ error: string }>('POST', uri, {}, { ...headers(), 'X-Frame-Signature': 'é'.repeat(64) });
  assert.equal(res.status, 401);
  assert.equal(res.json.error, 'invalid_signature');
});

test('signature hex is accepted in upper case too (documented choice)', async () => {
  const h = headers();
  const res = await http('POST', uri, {}, { ...h, 'X-Frame-Signature': h['X-Frame-Signature'].toUpperCase() });
  assert.equal(res.status, 200);
});

test('fault knobs: forced status with Retry-After, clock offset in the Date header, latency', async (t) => {
  t.after(() => emu.faults.clear());
  const set = await http('PUT', `${emu.url}/_emulator/faults`, { forceStatus: 429, retryAfterSeconds: 7 });
  assert.equal(set.status, 200);
  const forced = await http<{ error: string }>('POST', uri, {}, headers());
  assert.equal(forced.status, 429);
  assert.equal(forced.headers.get('retry-after'), '7');
  assert.equal(forced.json.error, 'forced');

  emu.faults.set({ clockOffsetSeconds: 600 });
  const skewed = await http<{ error: string }>('POST', uri, {}, headers());
  assert.equal(skewed.status, 401);
  assert.equal(skewed.json.error, 'stale_timestamp');
  const dateSkew = Date.parse(skewed.headers.get('date')!) - Date.now();
  assert.ok(dateSkew > 590_000 && dateSkew < 610_000, `Date header is ${dateSkew} ms ahead`);

  emu.faults.set({ latencyMs: 150 });
  const started = performance.now();
  assert.equal((await http('POST', uri, {}, headers())).status, 200);
  assert.ok(performance.now() - started >= 150);

  const badFaults = await http<{ error: string }>('PUT', `${emu.url}/_emulator/faults`, { hang: 'yes' });
  assert.equal(badFaults.status, 400);
});
