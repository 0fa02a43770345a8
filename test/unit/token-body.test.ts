import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compactTokenBody, TOKEN_FIELD_RULES, validateTokenBody } from '../../server/frame/token-body.js';

function issues(input: unknown): string[] {
  const r = validateTokenBody(input);
  return r.ok ? [] : r.issues.map((i) => `${i.field}: ${i.message}`);
}

test('an empty body, a missing body and every field filled are valid', () => {
  assert.deepEqual(validateTokenBody({}), { ok: true, value: {} });
  assert.deepEqual(validateTokenBody(undefined), { ok: true, value: {} });
  const full = {
    first_name: 'Ann',
    last_name: "O'Neil",
    email: 'ann@example.com',
    email_domain: 'example.com',
    metadata: { nested: { a: [1, 'é'] } },
  };
  assert.deepEqual(validateTokenBody(full), { ok: true, value: full });
});

test('a body that is not an object is refused as a whole', () => {
  for (const bad of [[], 'x', 5, true]) assert.match(issues(bad)[0] ?? '', /^\(body\): the body must be a JSON object/);
});

test('wrong field types name the field and the type received', () => {
  assert.deepEqual(issues({ first_name: 5, last_name: null, email: ['a'] }), [
    'first_name: first_name must be a string, got a number',
    'last_name: last_name must be a string, got null',
    'email: email must be a string, got an array',
  ]);
});

test('metadata must be a JSON object', () => {
  for (const bad of [[], 'x', 1, null]) assert.match(issues({ metadata: bad })[0] ?? '', /^metadata: metadata must be a JSON object/);
});

test('unknown fields are refused with the list of allowed ones', () => {
  assert.deepEqual(issues({ firstName: 'x' }), [
    'firstName: unknown field "firstName"; allowed fields are first_name, last_name, email, email_domain, metadata',
  ]);
});

test('email and email_domain shapes and length limits', () => {
  assert.match(issues({ email: 'not-an-email' })[0] ?? '', /email must look like/);
  assert.match(issues({ email_domain: 'user@example.com' })[0] ?? '', /email_domain must be a domain/);
  assert.match(issues({ first_name: 'x'.repeat(TOKEN_FIELD_RULES.first_name.maxLength + 1) })[0] ?? '', /at most 256 characters/);
  assert.match(issues({ metadata: { big: 'x'.repeat(TOKEN_FIELD_RULES.metadata.maxBytes) } })[0] ?? '', /at most 16384 bytes/);
});

test('compactTokenBody drops blank strings and keeps the rest', () => {
  assert.deepEqual(compactTokenBody({ first_name: '', last_name: 'Smith', metadata: { a: 1 } }), {
    last_name: 'Smith',
    metadata: { a: 1 },
  });
});

/** A body `depth` levels deep: the body, metadata, then arrays. */
function nestedBody(depth: number): unknown {
  let inner: unknown = [];
  for (let i = 3; i < depth; i++) inner = [inner];
  return { metadata: { x: inner } };
}

test('a body nested deeper than 32 levels is refused before its metadata is measured, however deep', () => {
  assert.equal(validateTokenBody(nestedBody(32)).ok, true);
  for (const depth of [33, 10_000, 200_000]) {
    assert.deepEqual(issues(nestedBody(depth)), [
      'metadata: metadata is nested too deeply: a token body may have at most 32 levels of objects and arrays, the body itself being the first',
    ]);
  }
  // Other fields are still checked; an unknown field nested too deeply is named as unknown and as too deep.
  assert.deepEqual(issues({ email: 'nope', extra: nestedBody(40) }), [
    'extra: unknown field "extra"; allowed fields are first_name, last_name, email, email_domain, metadata',
    'email: email must look like name@example.com (got "nope")',
    'extra: extra is nested too deeply: a token body may have at most 32 levels of objects and arrays, the body itself being the first',
  ]);
});
