// `npm run screenshots`'s command line (scripts/screenshots/args.mjs): the flags its help text promises, and a
// message instead of a silent default for a mistyped one. The script itself is run by hand (it takes a minute).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_OUT, parseArgs, selected } from '../../scripts/screenshots/args.mjs';

const VARIANTS = ['light', 'dark', 'phone'];

test('no arguments: every shot, every variant, into docs/screenshots', () => {
  assert.deepEqual(parseArgs([], VARIANTS), { out: DEFAULT_OUT, only: [], variants: VARIANTS, help: false });
  assert.equal(DEFAULT_OUT, 'docs/screenshots');
});

test('--out, --only and --variant take a value after a space or an equals sign', () => {
  const spaced = parseArgs(['--out', '/tmp/x', '--only', 'providers, playground', '--variant', 'dark'], VARIANTS);
  const joined = parseArgs(['--out=/tmp/x', '--only=providers,playground', '--variant=dark'], VARIANTS);
  for (const args of [spaced, joined]) {
    assert.deepEqual(args, { out: '/tmp/x', only: ['providers', 'playground'], variants: ['dark'], help: false });
  }
  assert.equal(parseArgs(['--help'], VARIANTS).help, true);
});

test('a mistake is an error that names it, not a run with defaults', () => {
  assert.throws(() => parseArgs(['--outt', 'x'], VARIANTS), /unknown argument --outt/);
  assert.throws(() => parseArgs(['--out'], VARIANTS), /--out needs a value/);
  assert.throws(() => parseArgs(['--out', '--only', 'x'], VARIANTS), /--out needs a value/);
  assert.throws(() => parseArgs(['--variant', 'dark,sepia'], VARIANTS), /unknown variant sepia/);
});

test('--only takes a page with its dialogs, and nothing that merely starts with the same letters', () => {
  assert.equal(selected('credentials-delete', ['credentials']), true);
  assert.equal(selected('credentials', ['credentials']), true);
  assert.equal(selected('credentials', ['credentials-delete']), false);
  assert.equal(selected('providers', ['provider']), false);
  assert.equal(selected('audit', []), true);
});
