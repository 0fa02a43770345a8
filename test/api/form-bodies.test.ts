// Form-encoded token bodies, as Frame's own snippets send them (the seed's Python `data=body`, the
// Playground's Curl `-d $data` with no content type): the emulator and the token broker read the flat
// fields, metadata as JSON text or metadata[key]=value, and JSON text under a form content type, with the
// JSON body's rules and wording; any other console route still refuses a form body (the parser is the
// broker's alone).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { verifyWithJwks } from '../helpers/verify-token.js';
import { scenarioEmulator } from '../helpers/emulator.js';
import { startWithDemo, type TestConsole } from '../helpers/console.js';
import { http } from '../helpers/http.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const form = (pairs: [string, string][]) => new URLSearchParams(pairs).toString();
const FILLED: [string, string][] = [
  ['first_name', 'John'],
  ['last_name', 'Smith'],
  ['email', 'john@example.com'],
  ['metadata', JSON.stringify({ language: 'EN', seat: 7 })],
];

describe('the emulator', () => {
  const at = scenarioEmulator();
  const signed = at.signed;
  const claims = async (token: string) => {
    const v = await verifyWithJwks(token, at.emu.signer.jwks());
    assert.ok(v.ok);
    return v.claims;
  };

  test('form fields with metadata as JSON text mint a token with those claims', async () => {
    const res = await http<string>('POST', at.uri, form(FILLED), { ...signed(), ...FORM });
    assert.equal(res.status, 200, res.text);
    const c = await claims(res.json);
    assert.equal(c.first_name, 'John');
    assert.equal(c.last_name, 'Smith');
    assert.equal(c.email, 'john@example.com');
    assert.deepEqual(c.metadata, { language: 'EN', seat: 7 });
  });

  test('metadata[key]=value pairs, with a charset parameter', async () => {
    const res = await http<string>(
      'POST',
      at.uri,
      form([
        ['email_domain', 'trials.example.com'],
        ['metadata[language]', 'EN'],
        ['metadata[timezone]', 'PT'],
      ]),
      { ...signed(), 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    );
    assert.equal(res.status, 200, res.text);
    const c = await claims(res.json);
    assert.match(String(c.email), /@trials\.example\.com$/);
    assert.deepEqual(c.metadata, { language: 'EN', timezone: 'PT' });
  });

  test('JSON text labelled as a form (curl -d without a content type) is read as JSON', async () => {
    for (const [body, first] of [
      ['{}', undefined],
      ['{"first_name":"John","metadata":{"a":[1]}}', 'John'],
    ] as const) {
      const res = await http<string>('POST', at.uri, body, { ...signed(), ...FORM });
      assert.equal(res.status, 200, res.text);
      assert.equal((await claims(res.json)).first_name, first);
    }
    const broken = await http<{ error: string; message: string }>('POST', at.uri, '{"first_name": ', { ...signed(), ...FORM });
    assert.equal(broken.status, 400);
    assert.equal(broken.json.error, 'invalid_json');
  });

  test('duplicates, unknown fields and bad metadata are 400 invalid_body, worded as for JSON', async () => {
    const cases: [string, RegExp][] = [
      ['first_name=a&first_name=b', /^first_name is given more than once$/],
      ['firstName=x', /^unknown field "firstName"; allowed fields are first_name, last_name, email, email_domain, metadata$/],
      ['metadata=language', /metadata must be a JSON object such as \{"language": "EN"\}; in a form, send it as JSON text/],
      ['metadata[a][b]=1', /send nested metadata as JSON text/],
      ['email=nope', /^email must look like name@example\.com \(got "nope"\)$/],
    ];
    for (const [body, message] of cases) {
      const res = await http<{ error: string; message: string; details: { field: string }[] }>('POST', at.uri, body, {
        ...signed(),
        ...FORM,
      });
      assert.equal(res.status, 400, body);
      assert.equal(res.json.error, 'invalid_body', body);
      assert.match(res.json.message, message);
      assert.ok(res.json.details.length > 0);
    }
    const asJson = await http<{ message: string }>('POST', at.uri, { email: 'nope' }, signed());
    const asForm = await http<{ message: string }>('POST', at.uri, 'email=nope', { ...signed(), ...FORM });
    assert.equal(asForm.json.message, asJson.json.message);
  });

  test('authentication still comes first: a bad signature with a form body is a 401', async () => {
    const res = await http<{ error: string }>('POST', at.uri, 'first_name=a&first_name=b', {
      ...signed(),
      'X-Frame-Signature': '0'.repeat(64),
      ...FORM,
    });
    assert.equal(res.status, 401);
    assert.equal(res.json.error, 'invalid_signature');
  });
});

describe('the token broker', () => {
  let app: TestConsole;
  let demo: { id: string };
  let auth: Record<string, string>;
  let url: string;
  before(async () => {
    ({ app, demo } = await startWithDemo());
    const created = await http<{ key: string }>('POST', `${app.url}/api/api-keys`, {
      name: 'forms',
      providerIds: [demo.id],
      rateLimitPerMinute: 1000,
    });
    assert.equal(created.status, 201);
    auth = { authorization: `Bearer ${created.json.key}`, cookie: '' };
    url = `${app.url}/api/v1/providers/${demo.id}/tokens`;
  });
  after(async () => app?.stop());
  const claims = async (token: string) => {
    const v = await verifyWithJwks(token, app.emulator!.signer.jwks());
    assert.ok(v.ok);
    return v.claims;
  };

  test('form fields, metadata[key]=value, and JSON labelled as a form all mint', async () => {
    const filled = await http<string>('POST', url, form(FILLED), { ...auth, ...FORM });
    assert.equal(filled.status, 200, filled.text);
    assert.equal((await claims(filled.json)).email, 'john@example.com');
    assert.deepEqual((await claims(filled.json)).metadata, { language: 'EN', seat: 7 });
    const pairs = await http<string>(
      'POST',
      url,
      form([
        ['first_name', 'Ann'],
        ['metadata[language]', 'EN'],
      ]),
      { ...auth, ...FORM },
    );
    assert.equal(pairs.status, 200, pairs.text);
    assert.deepEqual((await claims(pairs.json)).metadata, { language: 'EN' });
    const json = await http<string>('POST', url, '{"first_name":"Jo"}', { ...auth, ...FORM });
    assert.equal(json.status, 200, json.text);
    assert.equal((await claims(json.json)).first_name, 'Jo');
  });

  test("refusals are 400 request/invalid with the JSON body's wording", async () => {
    const cases: [string, RegExp][] = [
      ['first_name=a&first_name=b', /first_name is given more than once/],
      ['firstName=x', /unknown field "firstName"; allowed fields are first_name/],
      ['metadata=language', /metadata must be a JSON object such as/],
      ['__proto__=x', /"__proto__" key, which is not allowed/],
      ['metadata=%7B%22__proto__%22%3A%7B%7D%7D', /"__proto__" key, which is not allowed/],
    ];
    for (const [body, message] of cases) {
      const res = await http<{ error: string; message: string }>('POST', url, body, { ...auth, ...FORM });
      assert.equal(res.status, 400, `${body}: ${res.text}`);
      assert.equal(res.json.error, 'request/invalid', body);
      assert.match(res.json.message, message, body);
    }
    const asJson = await http<{ message: string }>('POST', url, { email: 'nope' }, auth);
    const asForm = await http<{ message: string }>('POST', url, 'email=nope', { ...auth, ...FORM });
    assert.equal(asForm.status, 400);
    assert.equal(asForm.json.message, asJson.json.message);
    const malformed = await http<{ error: string }>('POST', url, '{"first_name": ', { ...auth, ...FORM });
    assert.equal(malformed.status, 400);
    assert.equal(malformed.json.error, 'request/malformed_json');
  });

  test("the form parser is the broker's alone: other console routes answer 415", async () => {
    const signIn = await http<{ error: string }>('POST', `${app.url}/api/session`, 'email=a%40b.test&password=x', { ...FORM, cookie: '' });
    assert.equal(signIn.status, 415);
    assert.equal(signIn.json.error, 'request/unsupported_media_type');
    const playground = await http<{ error: string }>('POST', `${app.url}/api/providers/${demo.id}/tokens`, 'first_name=a', FORM);
    assert.equal(playground.status, 415);
  });
});
