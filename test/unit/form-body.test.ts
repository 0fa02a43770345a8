import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isFormContentType, readFormTokenBody } from '../../server/frame/form-body.js';
import { validateTokenBody } from '../../server/frame/token-body.js';

const form = (pairs: [string, string][]) => new URLSearchParams(pairs).toString();

function fields(text: string): Record<string, unknown> {
  const read = readFormTokenBody(text);
  assert.equal(read.kind, 'fields', JSON.stringify(read));
  return (read as { value: Record<string, unknown> }).value;
}

function issues(text: string): string[] {
  const read = readFormTokenBody(text);
  assert.equal(read.kind, 'invalid', JSON.stringify(read));
  return (read as { issues: { message: string }[] }).issues.map((i) => i.message);
}

test('the content type is recognised with or without parameters, in any case', () => {
  assert.ok(isFormContentType('application/x-www-form-urlencoded'));
  assert.ok(isFormContentType('Application/X-WWW-Form-Urlencoded; charset=UTF-8'));
  assert.ok(!isFormContentType('application/json'));
  assert.ok(!isFormContentType(undefined));
});

test('flat fields as requests sends a filled dict: first_name=John&email=...', () => {
  const text = form([
    ['first_name', 'John Q'],
    ['last_name', "O'Neil & Sons"],
    ['email', 'john+1@example.com'],
    ['email_domain', 'example.com'],
  ]);
  assert.deepEqual(fields(text), {
    first_name: 'John Q',
    last_name: "O'Neil & Sons",
    email: 'john+1@example.com',
    email_domain: 'example.com',
  });
  assert.deepEqual(fields(''), {});
  assert.deepEqual(fields('first_name=Zo%C3%AB+%F0%9F%9A%80'), { first_name: 'Zoë 🚀' });
  assert.deepEqual(fields('first_name'), { first_name: '' });
});

test('metadata as JSON text keeps its types; metadata[key]=value pairs are strings', () => {
  assert.deepEqual(fields(form([['metadata', '{"language":"EN","seat":7,"tos":false,"n":{"a":[1]}}']])), {
    metadata: { language: 'EN', seat: 7, tos: false, n: { a: [1] } },
  });
  assert.deepEqual(
    fields(
      form([
        ['metadata[language]', 'EN'],
        ['metadata[seat]', '7'],
        ['first_name', 'Ann'],
      ]),
    ),
    { first_name: 'Ann', metadata: { language: 'EN', seat: '7' } },
  );
});

test("JSON text under a form content type (Frame's Curl snippet) is read as JSON", () => {
  assert.deepEqual(readFormTokenBody('{}'), { kind: 'json', text: '{}' });
  assert.deepEqual(readFormTokenBody(' {"first_name":"John"}\n'), { kind: 'json', text: '{"first_name":"John"}' });
  assert.equal(readFormTokenBody('[1]').kind, 'json');
});

test('a name given twice, metadata given both ways or nested, and bad encoding are refused with what to do', () => {
  assert.deepEqual(issues('first_name=a&first_name=b'), ['first_name is given more than once']);
  assert.deepEqual(issues('metadata[a]=1&metadata[a]=2'), ['metadata[a] is given more than once']);
  assert.deepEqual(issues('metadata={}&metadata={}'), ['metadata is given more than once']);
  assert.deepEqual(issues('metadata={}&metadata[a]=1'), [
    'metadata is given both as JSON text and as metadata[key]=value fields; use one of them',
  ]);
  assert.match(issues('metadata[a][b]=1')[0]!, /one level, metadata\[key\]=value; send nested metadata as JSON text/);
  assert.match(issues('metadata[]=1')[0]!, /needs a key/);
  assert.match(issues('first_name=%E0%A4%A')[0]!, /not valid form encoding/);
  assert.match(
    issues('metadata=language')[0]!,
    /^metadata must be a JSON object such as \{"language": "EN"\}; in a form, send it as JSON text \(Python: json\.dumps/,
  );
  assert.deepEqual(issues('__proto__=x'), ['The body contains a "__proto__" key, which is not allowed.']);
  assert.deepEqual(issues('metadata[__proto__]=x'), ['The body contains a "__proto__" key, which is not allowed.']);
});

test('after reading, the JSON rules and wording apply unchanged: unknown fields, types, shapes', () => {
  const check = (text: string) => {
    const r = validateTokenBody(fields(text));
    return r.ok ? [] : r.issues.map((i) => i.message);
  };
  assert.deepEqual(check('firstName=x'), [
    'unknown field "firstName"; allowed fields are first_name, last_name, email, email_domain, metadata',
  ]);
  assert.deepEqual(check('email=nope'), ['email must look like name@example.com (got "nope")']);
  assert.deepEqual(check('metadata=%22EN%22'), ['metadata must be a JSON object such as {"language": "EN"}, got a string']);
  assert.deepEqual(check(`first_name=${'x'.repeat(257)}`), ['first_name must be at most 256 characters (got 257)']);
  assert.deepEqual(check('first_name=Ann&metadata[language]=EN'), []);
});
