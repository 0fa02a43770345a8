// `npm test`'s passes (scripts/test-plan.mjs): the selected files on SQLite, then the API suite's again on
// PostgreSQL, without the files marked SQLite-only or driving a browser; SAT_TEST_DB picks one backend instead.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALONE, FIRST_PASS, POSTGRES_PASS, postgresPassFiles, testPhases } from '../../scripts/test-plan.mjs';

const file = (path: string, source = "import { startTestConsole } from '../helpers/console.js';") => ({ path, source });
const api = file('test/api/audit.test.ts');
const fuzz = file('test/fuzz/api-fuzz.test.ts');
const unit = file('test/unit/jwt.test.ts', "import { test } from 'node:test';");
const e2e = file('test/e2e/mint.test.ts', "import { launchBrowser } from '../helpers/browser.js';");
const sqliteOnly = file(
  'test/api/operations-sqlite.test.ts',
  "// test-backends: sqlite — the WAL's fsync\nimport { startTestConsole } from '../helpers/console.js';",
);
const apiInBrowser = file('test/api/tour.test.ts', "import { launchBrowser } from '../helpers/browser.js';");
// The marker is not written out here: this file would run alone itself.
const alone = file('test/api/sign-in-priority.test.ts', `${ALONE}\n// compares timings`);

test('the API suite (test/api, test/fuzz) runs again on PostgreSQL; unit, e2e, SQLite-only and browser files do not', () => {
  const paths = (files: { path: string }[]) => files.map((f) => f.path);
  assert.deepEqual(paths(postgresPassFiles([api, fuzz, unit, e2e, sqliteOnly, apiInBrowser, alone], {})), [
    'test/api/audit.test.ts',
    'test/fuzz/api-fuzz.test.ts',
    'test/api/sign-in-priority.test.ts',
  ]);
  assert.deepEqual(postgresPassFiles([unit, e2e], {}), []);
  // Windows paths select the same files.
  assert.equal(postgresPassFiles([file('test\\api\\audit.test.ts')], {}).length, 1);
  // The marker counts in the file's first lines only: a test that mentions it further down still runs.
  const mentions = file('test/api/x.test.ts', `${'\n'.repeat(200)}${'x'.repeat(2000)}\n// test-backends: sqlite — quoted`);
  assert.equal(postgresPassFiles([mentions], {}).length, 1);
});

test('SAT_TEST_DB names one backend for the whole run: no second pass', () => {
  assert.deepEqual(postgresPassFiles([api, fuzz], { SAT_TEST_DB: 'sqlite' }), []);
  assert.deepEqual(postgresPassFiles([api, fuzz], { SAT_TEST_DB: 'postgresql' }), []);
  assert.deepEqual(
    testPhases([api, unit], { SAT_TEST_DB: 'postgresql' }).map((p) => [p.pass, p.db]),
    [[FIRST_PASS, undefined]],
  );
});

test('phases: files run alone first (SQLite, then PostgreSQL), one at a time; then the rest two at a time, SQLite first', () => {
  assert.deepEqual(testPhases([api, unit, e2e, alone], {}), [
    { pass: FIRST_PASS, db: undefined, files: ['test/api/sign-in-priority.test.ts'], concurrency: 1 },
    { pass: POSTGRES_PASS, db: 'postgresql', files: ['test/api/sign-in-priority.test.ts'], concurrency: 1 },
    {
      pass: FIRST_PASS,
      db: undefined,
      files: ['test/api/audit.test.ts', 'test/unit/jwt.test.ts', 'test/e2e/mint.test.ts'],
      concurrency: 2,
    },
    { pass: POSTGRES_PASS, db: 'postgresql', files: ['test/api/audit.test.ts'], concurrency: 2 },
  ]);
  assert.deepEqual(testPhases([unit], {}), [{ pass: FIRST_PASS, db: undefined, files: ['test/unit/jwt.test.ts'], concurrency: 2 }]);
});
