import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bodyFromTemplate } from '../../server/frame/bulk-template.js';
import { bodiesFromCsv, readCsv } from '../../server/services/bulk-csv.js';

test('{n} is replaced everywhere in the template, metadata included', () => {
  assert.deepEqual(
    bodyFromTemplate(
      { email: 'kiosk-{n}@example.com', first_name: 'Kiosk {n}', metadata: { seat: 'S{n}', list: ['{n}'], flag: true } },
      42,
    ),
    {
      email: 'kiosk-42@example.com',
      first_name: 'Kiosk 42',
      metadata: { seat: 'S42', list: ['42'], flag: true },
    },
  );
});

test('CSV parsing handles quotes, doubled quotes, commas, CRLF and blank lines', () => {
  assert.deepEqual(readCsv('a,b\r\n"x, y","say ""hi"""\n\n1,\n  \n'), {
    ok: true,
    rows: [
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['x, y', 'say "hi"'] },
      { line: 4, cells: ['1', ''] },
    ],
  });
});

test('CSV rows become bodies; metadata cells are JSON; problems name their line', () => {
  const ok = bodiesFromCsv('first_name,email,metadata\nAnn,ann@example.com,"{""seat"": 1}"\nBob,,\n');
  assert.deepEqual(ok, {
    ok: true,
    bodies: [{ first_name: 'Ann', email: 'ann@example.com', metadata: { seat: 1 } }, { first_name: 'Bob' }],
  });
  const bad = bodiesFromCsv('first_name,email,metadata\nAnn,not-an-email,[1]\nBob,,{oops\n');
  assert.equal(bad.ok, false);
  if (!bad.ok) {
    assert.deepEqual(
      bad.issues.map((i) => i.field),
      ['line 2', 'line 2', 'line 3'],
    );
    assert.match(bad.issues[0]!.message, /line 2: email must look like/);
    assert.match(bad.issues[2]!.message, /line 3: metadata is not valid JSON/);
  }
  assert.match((bodiesFromCsv('name\nx') as { issues: { message: string }[] }).issues[0]!.message, /unknown column\(s\) name/);
  assert.match((bodiesFromCsv('') as { issues: { message: string }[] }).issues[0]!.message, /empty/);
});

test('a metadata cell nested too deeply is refused on its line, however deep (no stack overflow)', () => {
  const cell = (depth: number) => `"{""x"":${'['.repeat(depth - 2)}${']'.repeat(depth - 2)}}"`;
  assert.equal(bodiesFromCsv(`metadata\n${cell(32)}\n`).ok, true);
  for (const depth of [33, 1_000, 10_000, 100_000]) {
    const r = bodiesFromCsv(`first_name,metadata\nAnn,{}\nBob,${cell(depth)}\n`);
    assert.equal(r.ok, false, `depth ${depth}`);
    if (!r.ok)
      assert.deepEqual(
        r.issues.map((i) => i.message),
        [
          'line 3: metadata is nested too deeply: a token body may have at most 32 levels of objects and arrays, the body itself being the first',
        ],
      );
  }
});

const issuesOf = (text: string) => {
  const r = bodiesFromCsv(text);
  return r.ok ? [] : r.issues.map((i) => i.message);
};

test('a problem is reported on its line of the file, counting blank lines and line breaks inside quotes', () => {
  assert.deepEqual(issuesOf('first_name,email\n\nAnn,not-an-email\n'), [
    'line 3: email must look like name@example.com (got "not-an-email")',
  ]);
  assert.deepEqual(issuesOf('first_name,email\r\nAnn,ann@example.com\r\n\r\n\r\nBob,bob@\r\n'), [
    'line 5: email must look like name@example.com (got "bob@")',
  ]);
  assert.deepEqual(issuesOf('first_name,metadata\n"Ann\nMarie","{\n""seat"": 1\n}"\nBob,{oops\n'), ['line 6: metadata is not valid JSON']);
  assert.deepEqual(
    issuesOf('first_name,metadata\r\n"Ann\r\nMarie",{}\r\nBob,{oops\r\n'),
    ['line 4: metadata is not valid JSON'],
    'a CRLF in a cell is one line',
  );
});

test('an unterminated quote is an error on the line it opens, not the rest of the file read as one cell', () => {
  const text = 'first_name,email\nAnn,ann@example.com\nBob,"bob@example.com\nCid,cid@example.com\nDee,dee@example.com\n';
  const r = bodiesFromCsv(text);
  assert.equal(r.ok, false, 'the rows after the quote are not swallowed into one cell');
  assert.deepEqual(issuesOf(text), ['line 3: a quoted cell is never closed (a " without its closing ")']);
});

test('a row with more cells than the header has columns is refused on its line, not cut short', () => {
  assert.deepEqual(issuesOf('first_name,email\nAnn,ann@example.com,extra\nBob\n'), ['line 2: 3 cells, but the header names 2 column(s)']);
});
