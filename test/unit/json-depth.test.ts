// The one nesting rule of the console's JSON parser and of token bodies: levels of objects and arrays, the
// outermost being the first; checked without recursion, so any depth is answered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_JSON_DEPTH, nestedDeeperThan } from '../../server/frame/json-depth.js';
import { parseJsonBody } from '../../server/http/json-body.js';
import { HTTP_STATUS } from '../../server/http/errors.js';

const arrays = (levels: number) => JSON.parse(`${'['.repeat(levels)}${']'.repeat(levels)}`) as unknown;
const objects = (levels: number) => JSON.parse(`${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`) as unknown;

test('levels are counted from the outermost object or array; primitives add none', () => {
  for (const primitive of [null, 1, 'x', true]) assert.equal(nestedDeeperThan(primitive, 0), false);
  assert.equal(nestedDeeperThan({}, 0), true);
  assert.equal(nestedDeeperThan({}, 1), false);
  assert.equal(nestedDeeperThan({ a: [1, { b: 'x' }] }, 3), false);
  assert.equal(nestedDeeperThan({ a: [1, { b: [] }] }, 3), true, 'an empty innermost array is a level too');
  for (const make of [arrays, objects]) {
    assert.equal(nestedDeeperThan(make(MAX_JSON_DEPTH)), false);
    assert.equal(nestedDeeperThan(make(MAX_JSON_DEPTH + 1)), true);
  }
});

test('a million levels are answered, not a stack overflow', () => {
  assert.equal(nestedDeeperThan(arrays(1_000_000)), true);
  assert.equal(nestedDeeperThan(objects(100_000)), true);
});

test('the JSON parser refuses past the same limit, with a 400 that says so', () => {
  assert.doesNotThrow(() => parseJsonBody(JSON.stringify(arrays(MAX_JSON_DEPTH))));
  for (const text of [
    `${'['.repeat(MAX_JSON_DEPTH + 1)}${']'.repeat(MAX_JSON_DEPTH + 1)}`,
    `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
  ]) {
    assert.throws(
      () => parseJsonBody(text),
      (err: Error & { code?: string }) =>
        err.code === 'request/invalid' && HTTP_STATUS['request/invalid'] === 400 && /nesting deeper than 32 levels/.test(err.message),
    );
  }
});
