// The CSV writer of every export: formulas neutralised, everything else read back exactly as written by
// an independent parser (Python's csv module), streamed and whole alike.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { text } from 'node:stream/consumers';
import fc from 'fast-check';
import { csvStream, csvText, type CsvCell, type CsvColumn } from '../../server/export/csv.js';
import { readCsvWithPython } from '../helpers/python-csv.js';

const ONE: readonly CsvColumn<CsvCell>[] = [{ header: 'value', cell: (v) => v }];
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

test('cells that would run as a formula get a leading apostrophe; numbers, booleans and the rest do not', () => {
  const cells: [CsvCell, string][] = [
    ['=HYPERLINK("https://evil.example","x")', `'=HYPERLINK("https://evil.example","x")`],
    ['+1+cmd', "'+1+cmd"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1+1', "'\t=1+1"],
    ['\r=1+1', "'\r=1+1"],
    ['\uFF1D1+1', "'\uFF1D1+1"],
    [-42, '-42'],
    [1.5, '1.5'],
    [true, 'true'],
    [false, 'false'],
    [null, ''],
    [undefined, ''],
    ['', ''],
    ['a=b', 'a=b'],
    ['eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln-_', 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln-_'],
    ['05fab26f-cc8e-55ee-8621-eff517edb6c8', '05fab26f-cc8e-55ee-8621-eff517edb6c8'],
  ];
  const written = csvText(
    ONE,
    cells.map(([v]) => v),
  );
  assert.match(written, /^value\r\n/);
  assert.ok(written.endsWith('\r\n'));
  const back = readCsvWithPython(written)
    .slice(1)
    .map((r) => r[0] ?? '');
  assert.deepEqual(
    back,
    cells.map(([, want]) => want),
  );
});

test('any string round-trips through Python csv: unchanged, or with one apostrophe in front of a formula', async () => {
  const special = fc.constantFrom(
    ',',
    '"',
    '""',
    '\r',
    '\n',
    '\r\n',
    '=',
    '+',
    '-',
    '@',
    '\t',
    ' ',
    "'",
    '\uFF1D',
    '\uFF20',
    '\u2028',
    'é',
    '😀',
  );
  const piece = fc.oneof(special, fc.string({ unit: 'grapheme', maxLength: 6 }));
  const values = fc.sample(
    fc.array(piece, { maxLength: 8 }).map((parts) => parts.join('')),
    { numRuns: 500, seed: 13 },
  );
  const columns: readonly CsvColumn<[string, number]>[] = [
    { header: 'text', cell: ([s]) => s },
    { header: 'n', cell: ([, n]) => n },
  ];
  const rows = values.map((s, i) => [s, i % 2 ? -i : i] as [string, number]);
  const whole = csvText(columns, rows);
  assert.equal(await text(csvStream(columns, rows)), whole, 'streamed and whole documents are the same bytes');
  const back = readCsvWithPython(whole);
  assert.deepEqual(back[0], ['text', 'n']);
  assert.equal(back.length, rows.length + 1);
  rows.forEach(([s, n], i) => {
    assert.equal(back[i + 1]![0], FORMULA_START.test(s) ? `'${s}` : s, JSON.stringify(s));
    assert.equal(back[i + 1]![1], String(n));
  });
});

test('a failing row source cuts the streamed document short with the error', async () => {
  async function* rows(): AsyncGenerator<CsvCell> {
    yield 'first';
    throw new Error('results file vanished');
  }
  await assert.rejects(text(csvStream(ONE, rows())), /results file vanished/);
});
