import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromKeyValues, jsonObjectError, lineColumn, parseJsonObject, toKeyValues } from '../../server/frame/json-text.js';

test('syntax errors are placed at line and column', () => {
  const r = parseJsonObject('{\n  "a": 1,\n  "b": tru\n}');
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.equal(r.line, 3);
    assert.equal(r.column, 8);
    assert.equal(r.message, 'unexpected "t", expected a value at line 3, column 8');
  }
  const end = parseJsonObject('{"a": ');
  assert.equal(end.ok, false);
  if (!end.ok) assert.equal(end.message, 'unexpected end of input, expected a value at line 1, column 7');
  const key = parseJsonObject('{\n  language: "EN"\n}');
  if (!key.ok) assert.equal(key.message, 'unexpected "l", expected a property name in double quotes at line 2, column 3');
  const comma = parseJsonObject('{"a": 1,}');
  if (!comma.ok) assert.equal(comma.message, 'unexpected "}", expected a property name in double quotes at line 1, column 9');
  assert.deepEqual(lineColumn('ab\ncd', 4), { line: 2, column: 2 });
});

test('empty text is no metadata; a non-object is refused', () => {
  assert.deepEqual(parseJsonObject('  '), { ok: true, value: undefined });
  assert.equal(parseJsonObject('[1]').ok, false);
  assert.deepEqual(parseJsonObject('{"a": {"b": 1}}'), { ok: true, value: { a: { b: 1 } } });
});

test('one wording for a bad JSON object field: syntax with its place, or the wrong kind of value', () => {
  const said = (text: string) => {
    const check = parseJsonObject(text);
    return check.ok ? null : jsonObjectError('Metadata', check);
  };
  assert.equal(said('{"seat": S{n}}'), 'Metadata is not valid JSON: unexpected "S", expected a value at line 1, column 10');
  assert.equal(said('["S{n}"]'), 'Metadata must be a JSON object such as {"language": "EN"}');
  assert.equal(said('{"seat": "S{n}"}'), null);
});

test('flat objects round-trip through key/value rows, keeping JSON scalar types', () => {
  const rows = toKeyValues({ language: 'EN', seat: 4, tos: false, none: null, text: '42 apples' });
  assert.deepEqual(rows, [
    { key: 'language', value: 'EN' },
    { key: 'seat', value: '4' },
    { key: 'tos', value: 'false' },
    { key: 'none', value: 'null' },
    { key: 'text', value: '42 apples' },
  ]);
  assert.deepEqual(fromKeyValues(rows!), { language: 'EN', seat: 4, tos: false, none: null, text: '42 apples' });
  assert.equal(toKeyValues({ nested: { a: 1 } }), null);
  assert.deepEqual(fromKeyValues([{ key: ' ', value: 'x' }]), {});
});
