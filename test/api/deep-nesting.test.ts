// Token bodies nested too deeply are a 400 that says so, on every path (issue 13, red-team pass): a bulk CSV
// whose metadata cell held {"x":[[[…]]]} 5,000 deep answered 500 (JSON.stringify ran out of stack checking
// its size), and 1,000 deep was accepted; the emulator answered 500 to such a body, signed. A token body
// may nest 32 levels of objects and arrays, the body itself being the first (the console's JSON parser's
// limit, one constant); 32 is accepted everywhere, 33 and 10,000 are refused before anything recurses.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_JSON_DEPTH } from '../../server/frame/json-depth.js';
import { scenarioEmulator } from '../helpers/emulator.js';
import { startWithDemo, type TestConsole } from '../helpers/console.js';
import { http } from '../helpers/http.js';

/** metadata text that, inside a token body, makes the body `depth` levels deep: {"x":[[…]]}. */
function metadataFor(depth: number): string {
  const arrays = depth - 2;
  return `{"x":${'['.repeat(arrays)}${']'.repeat(arrays)}}`;
}
const bodyOf = (depth: number) => `{"metadata":${metadataFor(depth)}}`;
const csvOf = (depth: number) => `first_name,metadata\nAnn,"${metadataFor(depth).replace(/"/g, '""')}"\n`;

const DEEP = [MAX_JSON_DEPTH + 1, 10_000];
const TOO_DEEP = /nested too deeply|nesting deeper than 32 levels/;

test('the bodies are as deep as they say', () => {
  const depthOf = (v: unknown): number => (v !== null && typeof v === 'object' ? 1 + Math.max(0, ...Object.values(v).map(depthOf)) : 0);
  assert.equal(depthOf(JSON.parse(bodyOf(32))), 32);
  assert.equal(depthOf(JSON.parse(bodyOf(33))), 33);
});

describe('the console', () => {
  let app: TestConsole;
  let demo: { id: string };
  let key: string;
  before(async () => {
    ({ app, demo } = await startWithDemo({ LOG_LEVEL: 'warn' }));
    const created = await http<{ key: string }>('POST', `${app.url}/api/api-keys`, { name: 'deep', providerIds: [demo.id] });
    assert.equal(created.status, 201, created.text);
    key = created.json.key;
  });
  after(async () => app?.stop());

  for (const depth of DEEP) {
    test(`a bulk CSV whose metadata makes a body ${depth} levels deep: 400 saying so, no job`, async () => {
      const res = await http<{ error: string; message: string }>('POST', `${app.url}/api/providers/${demo.id}/bulk`, { csv: csvOf(depth) });
      assert.equal(res.status, 400, res.text.slice(0, 300));
      assert.equal(res.json.error, 'request/invalid');
      assert.match(res.json.message, /line 2: metadata is nested too deeply: a token body may have at most 32 levels/);
    });

    test(`Playground and broker JSON ${depth} levels deep: 400 saying so`, async () => {
      const playground = await http<{ error: string; message: string }>(
        'POST',
        `${app.url}/api/providers/${demo.id}/tokens`,
        bodyOf(depth),
      );
      const broker = await http<{ error: string; message: string }>(
        'POST',
        `${app.url}/api/v1/providers/${demo.id}/tokens`,
        bodyOf(depth),
        { cookie: '', authorization: `Bearer ${key}` },
      );
      for (const res of [playground, broker]) {
        assert.equal(res.status, 400, res.text.slice(0, 300));
        assert.equal(res.json.error, 'request/invalid');
        assert.match(res.json.message, TOO_DEEP);
      }
    });

    test(`a broker form body whose metadata makes it ${depth} levels deep: 400 saying so`, async () => {
      const res = await http<{ error: string; message: string }>(
        'POST',
        `${app.url}/api/v1/providers/${demo.id}/tokens`,
        new URLSearchParams({ metadata: metadataFor(depth) }).toString(),
        {
          cookie: '',
          authorization: `Bearer ${key}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
      );
      assert.equal(res.status, 400, res.text.slice(0, 300));
      assert.match(res.json.message, TOO_DEEP);
    });
  }

  test('32 levels are accepted on each path', async () => {
    const bulk = await http<{ state: string }>('POST', `${app.url}/api/providers/${demo.id}/bulk`, { csv: csvOf(MAX_JSON_DEPTH) });
    assert.equal(bulk.status, 202, bulk.text.slice(0, 300));
    assert.equal((await http('POST', `${app.url}/api/providers/${demo.id}/tokens`, bodyOf(MAX_JSON_DEPTH))).status, 200);
    assert.equal(
      (
        await http('POST', `${app.url}/api/v1/providers/${demo.id}/tokens`, bodyOf(MAX_JSON_DEPTH), {
          cookie: '',
          authorization: `Bearer ${key}`,
        })
      ).status,
      200,
    );
  });
});

describe('the emulator', () => {
  const at = scenarioEmulator();
  const signed = at.signed;
  const form = (depth: number) => new URLSearchParams({ metadata: metadataFor(depth) }).toString();
  const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

  for (const depth of DEEP) {
    test(`a signed JSON or form body ${depth} levels deep: 400 invalid_body saying so`, async () => {
      for (const [body, headers] of [
        [bodyOf(depth), {}],
        [form(depth), FORM],
      ] as const) {
        const res = await http<{ error: string; message: string }>('POST', at.uri, body, { ...signed(), ...headers });
        assert.equal(res.status, 400, res.text.slice(0, 300));
        assert.equal(res.json.error, 'invalid_body');
        assert.match(res.json.message, /metadata is nested too deeply: a token body may have at most 32 levels/);
      }
    });
  }

  test('32 levels are accepted, as JSON and as a form', async () => {
    assert.equal((await http('POST', at.uri, bodyOf(MAX_JSON_DEPTH), signed())).status, 200);
    assert.equal((await http('POST', at.uri, form(MAX_JSON_DEPTH), { ...signed(), ...FORM })).status, 200);
  });
});
