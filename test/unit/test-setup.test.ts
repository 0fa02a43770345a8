// `npm test`'s own set-up (scripts/test-setup.mjs): which Debian packages are missing, and what it does about
// them: nothing, install them (root or sudo), or stop with the one command that does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupsNeeded, missingPackages, needsPostgres, setupPlan, TEST_PACKAGES } from '../../scripts/test-setup.mjs';

const names = TEST_PACKAGES.map((p) => p.name);

test('only the tools the selected tests run are needed: a browser for browser tests, interpreters for snippets, zbarimg for QR codes', () => {
  const file = (path: string, source = '') => ({ path, source });
  assert.deepEqual([...groupsNeeded([file('test/unit/jwt.test.ts', "import { test } from 'node:test';")])], []);
  assert.deepEqual([...groupsNeeded([file('test/e2e/mint.test.ts', "import { launch } from '../helpers/browser.js';")])], ['browser']);
  assert.deepEqual([...groupsNeeded([file('test/snippets/snippets.test.ts')])], ['interpreters']);
  assert.deepEqual(
    [...groupsNeeded([file('test/unit/csv.test.ts', "import { readCsvWithPython } from '../helpers/python-csv.js';")])],
    ['interpreters'],
  );
  assert.deepEqual(
    [
      ...groupsNeeded([
        file(
          'test/e2e/launch-qr.test.ts',
          "import { launchBrowser } from '../helpers/browser.js';\nimport { decodeQr } from '../helpers/zbar.js';",
        ),
      ]),
    ],
    ['browser', 'qr-decoder'],
  );
});

test('PostgreSQL is needed by files using its helper, by the API suite (run again on it) or by SAT_TEST_DB=postgresql; a server at SAT_TEST_PG_URL stands in for the package', () => {
  const plain = { path: 'test/unit/console.test.ts', source: "import { startTestConsole } from '../helpers/console.js';" };
  const pg = { path: 'test/unit/replicas.test.ts', source: "import { sharedPostgres } from '../helpers/postgres.js';" };
  const apiSuite = { path: 'test/api/console.test.ts', source: "import { startTestConsole } from '../helpers/console.js';" };
  assert.equal(needsPostgres([plain], {}), false);
  assert.equal(needsPostgres([plain], { SAT_TEST_DB: 'sqlite' }), false);
  assert.equal(needsPostgres([plain, pg], {}), true);
  assert.equal(needsPostgres([plain], { SAT_TEST_DB: 'postgresql' }), true);
  assert.equal(needsPostgres([apiSuite], {}), true);
  assert.equal(needsPostgres([apiSuite], { SAT_TEST_DB: 'sqlite' }), false, 'SAT_TEST_DB=sqlite: the API suite on SQLite only');
  assert.throws(() => needsPostgres([plain], { SAT_TEST_DB: 'postgres' }), /SAT_TEST_DB must be sqlite or postgresql, got "postgres"/);

  assert.deepEqual([...groupsNeeded([plain])], []);
  assert.deepEqual([...groupsNeeded([pg])], ['postgres']);
  assert.deepEqual([...groupsNeeded([plain], { SAT_TEST_DB: 'postgresql' })], ['postgres']);
  assert.deepEqual([...groupsNeeded([pg], { SAT_TEST_PG_URL: 'postgresql://admin:pw@db.example:5432/postgres' })], []);
  assert.deepEqual(
    TEST_PACKAGES.filter((p) => p.group === 'postgres').map((p) => p.name),
    ['postgresql'],
  );
});

test('a package is missing when its tool does not answer, and only in the groups needed', () => {
  const absent = new Set(['ruby', 'chromium']);
  const present = (p: { name: string }) => !absent.has(p.name);
  assert.deepEqual(missingPackages(new Set(['interpreters']), present), ['ruby']);
  assert.deepEqual(missingPackages(new Set(['browser', 'interpreters']), present), ['chromium', 'ruby']);
  assert.deepEqual(
    missingPackages(new Set(), () => false),
    [],
  );
  assert.deepEqual(
    missingPackages(new Set(['browser', 'interpreters', 'qr-decoder', 'postgres']), () => false),
    names,
  );
});

test('nothing missing: nothing to do (no apt call)', () => {
  assert.deepEqual(setupPlan([], { root: false, sudo: false }), { kind: 'ready' });
  assert.deepEqual(setupPlan([], { root: true, sudo: false }), { kind: 'ready' });
});

test('as root it updates the lists, then installs only what is missing', () => {
  assert.deepEqual(setupPlan(['chromium', 'ruby'], { root: true, sudo: false }), {
    kind: 'install',
    commands: [
      ['apt-get', 'update'],
      ['apt-get', 'install', '-y', '--no-install-recommends', 'chromium', 'ruby'],
    ],
  });
});

test('with password-less sudo it does the same through sudo -n (never prompts)', () => {
  assert.deepEqual(setupPlan(['golang-go'], { root: false, sudo: true }), {
    kind: 'install',
    commands: [
      ['sudo', '-n', 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'update'],
      ['sudo', '-n', 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'install', '-y', '--no-install-recommends', 'golang-go'],
    ],
  });
});

test('otherwise it stops with one line naming the exact command', () => {
  const plan = setupPlan(['php-cli', 'php-curl'], { root: false, sudo: false });
  assert.equal(plan.kind, 'stop');
  assert.ok(plan.kind === 'stop');
  assert.doesNotMatch(plan.message, /\n/);
  assert.match(plan.message, /run: sudo apt-get update && sudo apt-get install -y --no-install-recommends php-cli php-curl$/);
});

test('the list holds what .ci/run used to install for the tests', () => {
  for (const name of [
    'chromium',
    'python3',
    'python3-requests',
    'php-cli',
    'php-curl',
    'golang-go',
    'ruby',
    'openjdk-17-jdk-headless',
    'curl',
    'openssl',
  ]) {
    assert.ok(names.includes(name), name);
  }
});
