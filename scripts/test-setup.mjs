// `npm test` on a fresh machine: the tools the selected tests run (a browser, the snippet interpreters, a
// PostgreSQL server) are checked first, by running them, not by asking dpkg (a Chromium at CHROMIUM_PATH or
// another JDK counts).
// Missing ones are installed from Debian when this process may (root, or sudo without a password); otherwise
// the run stops at once with the one command that installs them. Nothing is probed for tests that need none.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findBinDir } from './postgres-cluster.mjs';
import { postgresPassFiles } from './test-plan.mjs';

/** @typedef {'browser' | 'interpreters' | 'qr-decoder' | 'postgres'} Group */

/**
 * What the tests need: the Debian package, the group of tests that run it, and how to see it is there.
 * `.ci/run` relies on this list too.
 * @type {ReadonlyArray<{ name: string, group: Group, why: string, probe: readonly string[] | 'chromium' | 'postgres' }>}
 */
export const TEST_PACKAGES = [
  { name: 'chromium', group: 'browser', why: 'browser tests (test/helpers/browser.ts)', probe: 'chromium' },
  { name: 'python3', group: 'interpreters', why: 'Python snippet, CSV cross-checks', probe: ['python3', '--version'] },
  { name: 'python3-requests', group: 'interpreters', why: 'Python snippet', probe: ['python3', '-c', 'import requests'] },
  { name: 'php-cli', group: 'interpreters', why: 'PHP snippet', probe: ['php', '-v'] },
  { name: 'php-curl', group: 'interpreters', why: 'PHP snippet', probe: ['php', '-r', "exit(function_exists('curl_init') ? 0 : 1);"] },
  { name: 'golang-go', group: 'interpreters', why: 'Go snippet', probe: ['go', 'version'] },
  { name: 'ruby', group: 'interpreters', why: 'Ruby snippet', probe: ['ruby', '-v'] },
  { name: 'openjdk-17-jdk-headless', group: 'interpreters', why: 'Java snippet (javac)', probe: ['javac', '-version'] },
  { name: 'curl', group: 'interpreters', why: 'curl snippet', probe: ['curl', '--version'] },
  { name: 'openssl', group: 'interpreters', why: 'curl snippet (HMAC)', probe: ['openssl', 'version'] },
  {
    name: 'zbar-tools',
    group: 'qr-decoder',
    why: 'QR codes decoded from screenshots (test/helpers/zbar.ts)',
    probe: ['zbarimg', '--version'],
  },
  // The server binaries are off PATH on Debian (/usr/lib/postgresql/N/bin): the probe finds them first.
  { name: 'postgresql', group: 'postgres', why: 'a PostgreSQL server for tests (test/helpers/postgres.ts)', probe: 'postgres' },
];

/** Source text that shows a test file decodes QR codes with zbarimg. */
const DECODES_QR = /helpers\/zbar|zbarimg/;

/** Source text that shows a test file runs an interpreter (the snippet runner, the Python CSV reader, a lexer). */
const RUNS_INTERPRETER = /python3|python-csv|run-snippet|\bphp\b|\bruby\b|gofmt|javac/;

/** Source text that shows a test file runs against PostgreSQL. */
const USES_POSTGRES = /helpers\/postgres/;

/**
 * Whether the run needs a PostgreSQL server: a selected file uses the helper, the API suite runs again on
 * PostgreSQL (scripts/test-plan.mjs), or SAT_TEST_DB=postgresql puts the whole run on it. Throws on a SAT_TEST_DB
 * that is neither sqlite nor postgresql.
 * @param {ReadonlyArray<{ path: string, source: string }>} files
 * @param {Readonly<Record<string, string | undefined>>} env
 */
export function needsPostgres(files, env) {
  const db = env.SAT_TEST_DB ?? '';
  if (!['', 'sqlite', 'postgresql'].includes(db)) throw new Error(`SAT_TEST_DB must be sqlite or postgresql, got "${db}"`);
  return db === 'postgresql' || files.some((f) => USES_POSTGRES.test(f.source)) || postgresPassFiles(files, env).length > 0;
}

/**
 * Which groups of tools the selected test files need. A PostgreSQL server given in SAT_TEST_PG_URL stands in
 * for the local binaries.
 * @param {ReadonlyArray<{ path: string, source: string }>} files
 * @param {Readonly<Record<string, string | undefined>>} [env]
 * @returns {Set<Group>}
 */
export function groupsNeeded(files, env = {}) {
  /** @type {Set<Group>} */
  const groups = new Set();
  for (const { path, source } of files) {
    if (source.includes('helpers/browser')) groups.add('browser');
    if (path.replaceAll('\\', '/').includes('test/snippets/') || RUNS_INTERPRETER.test(source)) groups.add('interpreters');
    if (DECODES_QR.test(source)) groups.add('qr-decoder');
  }
  if (needsPostgres(files, env) && !env.SAT_TEST_PG_URL) groups.add('postgres');
  return groups;
}

/**
 * The packages of the needed groups whose tool is not there.
 * @param {ReadonlySet<string>} groups
 * @param {(pkg: (typeof TEST_PACKAGES)[number]) => boolean} present
 * @returns {string[]}
 */
export function missingPackages(groups, present) {
  return TEST_PACKAGES.filter((p) => groups.has(p.group) && !present(p)).map((p) => p.name);
}

/**
 * @typedef {{ kind: 'ready' }
 *   | { kind: 'install', commands: string[][] }
 *   | { kind: 'stop', message: string }} SetupPlan
 */

/**
 * What to do about the missing packages: nothing, install them (as root, or through sudo), or stop and say
 * which command to run.
 * @param {readonly string[]} missing
 * @param {{ root: boolean, sudo: boolean }} can
 * @returns {SetupPlan}
 */
export function setupPlan(missing, can) {
  if (missing.length === 0) return { kind: 'ready' };
  const install = ['apt-get', 'install', '-y', '--no-install-recommends', ...missing];
  const update = ['apt-get', 'update'];
  if (can.root) return { kind: 'install', commands: [update, install] };
  if (can.sudo)
    return {
      kind: 'install',
      commands: [
        // sudo resets the environment: DEBIAN_FRONTEND must be on its command line, or debconf may ask.
        ['sudo', '-n', 'env', 'DEBIAN_FRONTEND=noninteractive', ...update],
        ['sudo', '-n', 'env', 'DEBIAN_FRONTEND=noninteractive', ...install],
      ],
    };
  return {
    kind: 'stop',
    message: `npm test needs Debian packages ${missing.join(', ')}; run: sudo apt-get update && sudo ${install.join(' ')}`,
  };
}

/**
 * Whether a package's tool answers.
 * @param {(typeof TEST_PACKAGES)[number]} pkg
 */
function present(pkg) {
  if (pkg.probe === 'chromium') return existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium');
  if (pkg.probe === 'postgres') {
    const binDir = findBinDir();
    return binDir !== undefined && spawnSync(join(binDir, 'postgres'), ['--version'], { stdio: 'ignore', timeout: 30_000 }).status === 0;
  }
  const [cmd, ...args] = pkg.probe;
  return spawnSync(/** @type {string} */ (cmd), args, { stdio: 'ignore', timeout: 30_000 }).status === 0;
}

/**
 * Returns when every tool the selected tests need is there; otherwise installs the packages or exits.
 * @param {ReadonlyArray<{ path: string, source: string }>} files the selected test files
 */
export function ensureTestPackages(files) {
  const groups = groupsNeeded(files, process.env);
  const missing = missingPackages(groups, present);
  if (missing.length === 0) return;
  const root = process.getuid?.() === 0;
  const canApt = spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!canApt) {
    console.error(`npm test needs ${missing.join(', ')} (or the same tools from elsewhere), and this is not a Debian machine`);
    process.exit(1);
  }
  const sudo = !root && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
  const plan = setupPlan(missing, { root, sudo });
  if (plan.kind === 'ready') return;
  if (plan.kind === 'stop') {
    console.error(plan.message);
    process.exit(1);
  }
  console.log(`test set-up: installing ${missing.join(' ')}`);
  for (const [cmd, ...args] of plan.commands) {
    const r = spawnSync(/** @type {string} */ (cmd), args, {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (r.status !== 0) {
      console.error(`test set-up: \`${plan.commands.map((c) => c.join(' ')).join(' && ')}\` failed`);
      process.exit(r.status ?? 1);
    }
  }
  const still = missingPackages(groups, present);
  if (still.length > 0) {
    console.error(`test set-up: still missing after install: ${still.join(', ')}`);
    process.exit(1);
  }
}
