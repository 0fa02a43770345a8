// The SPA's formatting: durations, relative times, ages, provider labels and the snippet highlighter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatDuration, formatLocal, formatRelative } from '../../web/src/format/time';
import { ageInDays } from '../../web/src/format/age';
import { providerLabel, providerLabelOf } from '../../web/src/format/provider';
import { highlight, type Token } from '../../web/src/format/highlight';

test('formatDuration: hours and minutes as a Frame admin reads them', () => {
  const cases: [number, string][] = [
    [0, '0 min'],
    [5, '5 min'],
    [45, '45 min'],
    [60, '1 hour'],
    [90, '1 hour 30 min'],
    [120, '2 hours'],
    [480, '8 hours'],
    [481, '8 hours 1 min'],
  ];
  assert.deepEqual(
    cases.map(([m]) => formatDuration(m)),
    cases.map(([, text]) => text),
  );
});

test('formatRelative: "in …" before the target, "… ago" after it; seconds only under an hour', () => {
  const now = 1_700_000_000_000;
  const at = (offsetSeconds: number) => formatRelative(now / 1000 + offsetSeconds, now);
  assert.equal(at(0), 'in 0 s');
  assert.equal(at(59), 'in 59 s');
  assert.equal(at(3598), 'in 59 min 58 s');
  assert.equal(at(3600), 'in 1 h');
  assert.equal(at(3661), 'in 1 h 1 min');
  assert.equal(at(-180), '3 min ago');
  assert.equal(at(-7200), '2 h ago');
  assert.equal(formatRelative(now / 1000 + 10, now + 400), 'in 10 s', 'the clock in ms is rounded to the second');
});

test('formatLocal: the instant of a unix time, written in the browser locale', () => {
  assert.equal(formatLocal(1_700_000_000), new Date(1_700_000_000_000).toLocaleString());
});

test('ageInDays: whole days since an ISO time; the future and the same day are "today"', () => {
  const now = Date.parse('2025-03-10T12:00:00Z');
  assert.equal(ageInDays('2025-03-10T00:00:00Z', now), 'today');
  assert.equal(ageInDays('2025-03-11T00:00:00Z', now), 'today');
  assert.equal(ageInDays('2025-03-09T11:59:59Z', now), '1 day');
  assert.equal(ageInDays('2025-01-24T12:00:00Z', now), '45 days');
});

test('providerLabel: the description, else the Frame name; providerLabelOf falls back to the id', () => {
  assert.equal(providerLabel({ description: 'Kiosk fleet', name: 'secure-anon-1' }), 'Kiosk fleet');
  assert.equal(providerLabel({ description: '', name: 'secure-anon-1' }), 'secure-anon-1');
  const providers = [
    { id: 'p1', description: 'Kiosk fleet', name: 'secure-anon-1' },
    { id: 'p2', description: '', name: 'secure-anon-2' },
  ];
  assert.equal(providerLabelOf(providers as never, 'p2'), 'secure-anon-2');
  assert.equal(providerLabelOf(providers as never, 'gone'), 'gone');
});

const kinds = (tokens: Token[]) => tokens.filter((t) => t.kind !== 'text').map((t) => `${t.kind}:${t.text}`);

test('highlight: comments, strings, keywords and numbers of each language, the rest as text', () => {
  assert.deepEqual(kinds(highlight('import hmac  # sign it\nprint("a#b", 42)', 'python3')), [
    'keyword:import',
    'comment:# sign it',
    'keyword:print',
    'string:"a#b"',
    'number:42',
  ]);
  assert.deepEqual(kinds(highlight("const t = `${ts}` // why\nawait f('x', 1.5)", 'node')), [
    'keyword:const',
    'string:`${ts}`',
    'comment:// why',
    'keyword:await',
    "string:'x'",
    'number:1.5',
  ]);
  assert.deepEqual(kinds(highlight('$h = New-Object System.Text.UTF8Encoding', 'powershell')), ['keyword:New-Object']);
  assert.deepEqual(kinds(highlight('# not a comment in Go\nfunc main() {}', 'go')), ['keyword:func']);
  assert.deepEqual(kinds(highlight('imports importer', 'python3')), [], 'keywords match whole words only');
  const unknown = kinds(highlight('if x // y', 'unknown-language'));
  assert.deepEqual(unknown, ['comment:// y'], 'an unknown language still gets comments and strings');
  assert.deepEqual(highlight('', 'node'), []);
});

// Pieces of comments, strings and keywords, so that random code often opens one without closing it.
const PIECES = ['a', 'if', ' ', '\n', '"', "'", '`', '\\', '#', '/', '1', '.', 'import', '-', 'é'];

test('highlight: the tokens always spell the code back exactly, with no empty token', () => {
  const languages = ['python3', 'node', 'typescript', 'curl', 'powershell', 'php', 'go', 'java', 'csharp', 'ruby', 'other'];
  fc.assert(
    fc.property(fc.string({ unit: fc.constantFrom(...PIECES) }), fc.constantFrom(...languages), (code, language) => {
      const tokens = highlight(code, language);
      assert.equal(tokens.map((t) => t.text).join(''), code);
      assert.ok(tokens.every((t) => t.text.length > 0));
    }),
  );
});
