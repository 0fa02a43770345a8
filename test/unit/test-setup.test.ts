// `npm test`'s own set-up (scripts/test-setup.mjs): which Debian packages are missing, and what it does about
// them: nothing, install them (root or sudo), or stop with the one command that does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { missingPackages, setupPlan, TEST_PACKAGES } from '../../scripts/test-setup.mjs';

const names = TEST_PACKAGES.map((p) => p.name);
const dpkg = (lines: string[]) => lines.map((l) => `${l}\n`).join('');

test('every package dpkg reports installed counts; removed, half-installed or unknown ones are missing', () => {
  const out = dpkg(['chromium installed', 'python3 installed', 'php-cli config-files', 'ruby half-installed', 'openssl:amd64 installed']);
  assert.deepEqual(missingPackages(out, ['chromium', 'python3', 'php-cli', 'ruby', 'openssl', 'golang-go']), [
    'php-cli',
    'ruby',
    'golang-go',
  ]);
  assert.deepEqual(missingPackages(dpkg(names.map((n) => `${n} installed`)), names), []);
  assert.deepEqual(missingPackages('', names), names);
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
      ['sudo', '-n', 'apt-get', 'update'],
      ['sudo', '-n', 'apt-get', 'install', '-y', '--no-install-recommends', 'golang-go'],
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
