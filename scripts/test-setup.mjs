// `npm test` on a fresh machine: the Debian packages the tests run (a browser, the snippet interpreters) are
// checked first. Missing ones are installed when this process may (root, or sudo without a password);
// otherwise the run stops at once with the one command that installs them. One dpkg-query call when all
// are present, so it costs nothing on a set-up machine.
import { spawnSync } from 'node:child_process';

/**
 * What the tests need, and why. `.ci/run` relies on this list too.
 * @type {ReadonlyArray<{ name: string, why: string }>}
 */
export const TEST_PACKAGES = [
  { name: 'chromium', why: 'browser tests (test/helpers/browser.ts)' },
  { name: 'python3', why: 'Python snippet' },
  { name: 'python3-requests', why: 'Python snippet' },
  { name: 'php-cli', why: 'PHP snippet' },
  { name: 'php-curl', why: 'PHP snippet' },
  { name: 'golang-go', why: 'Go snippet' },
  { name: 'ruby', why: 'Ruby snippet' },
  { name: 'openjdk-17-jdk-headless', why: 'Java snippet' },
  { name: 'curl', why: 'curl snippet' },
  { name: 'openssl', why: 'curl snippet (HMAC)' },
];

/**
 * The packages dpkg does not report as installed. `dpkgOutput` is what
 * `dpkg-query -W -f='${Package} ${db:Status-Status}\n' NAME...` printed (names dpkg never heard of are absent).
 * @param {string} dpkgOutput
 * @param {readonly string[]} wanted
 * @returns {string[]}
 */
export function missingPackages(dpkgOutput, wanted) {
  const installed = new Set();
  for (const line of dpkgOutput.split('\n')) {
    const [name, status] = line.trim().split(/\s+/);
    // Multi-arch packages print as name:arch.
    if (name && status === 'installed') installed.add(name.split(':')[0]);
  }
  return wanted.filter((name) => !installed.has(name));
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
        ['sudo', '-n', ...update],
        ['sudo', '-n', ...install],
      ],
    };
  return {
    kind: 'stop',
    message: `npm test needs Debian packages ${missing.join(', ')}; run: sudo apt-get update && sudo ${install.join(' ')}`,
  };
}

/** @returns {string[] | null} the missing packages, or null where there is no dpkg (not Debian) */
function probe() {
  const names = TEST_PACKAGES.map((p) => p.name);
  const r = spawnSync('dpkg-query', ['-W', '-f=${Package} ${db:Status-Status}\n', ...names], { encoding: 'utf8' });
  if (r.error) return null;
  return missingPackages(r.stdout, names);
}

/** Returns when every package is there; otherwise installs them or exits the process. */
export function ensureTestPackages() {
  const missing = probe();
  if (missing === null) {
    console.warn('test set-up: no dpkg-query (not Debian?): not checking the packages the tests need');
    return;
  }
  const root = process.getuid?.() === 0;
  const sudo = !root && missing.length > 0 && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
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
  const still = probe() ?? [];
  if (still.length > 0) {
    console.error(`test set-up: still missing after install: ${still.join(', ')}`);
    process.exit(1);
  }
}
