// `npm test`: every test file under test/ through node's test runner (TypeScript via tsx).
// Extra arguments narrow the run: `npm test -- unit` runs files whose path contains "unit".
// It first sees to the tools the selected tests run (scripts/test-setup.mjs), then builds dist/ when the
// sources changed (the e2e tests run the built console), so on a fresh machine it is the only command.
// The selected files run on SQLite, then the API suite's among them (test/api, test/fuzz) again on PostgreSQL
// (scripts/test-plan.mjs says which); SAT_TEST_DB=sqlite or =postgresql runs everything on that one backend.
// When a selected file runs against PostgreSQL (test/helpers/postgres.ts), or a pass is on it, one throwaway
// server serves the whole run: its admin URL goes to every test file in SAT_TEST_PG_URL, and it is stopped at
// the end, on failure and on Ctrl-C too. A SAT_TEST_PG_URL already set names a server to use instead (a
// superuser's URL). The last line counts the tests of every pass.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { startCluster } from './postgres-cluster.mjs';
import { FIRST_PASS, testPhases } from './test-plan.mjs';
import { ensureTestPackages, needsPostgres } from './test-setup.mjs';

/**
 * @param {string} dir
 * @returns {string[]}
 */
function collect(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'helpers' ? [] : collect(path);
    return /\.test\.ts$/.test(name) ? [path] : [];
  });
}

const filters = process.argv.slice(2);
const files = collect('test')
  .map((f) => relative(process.cwd(), f))
  .sort()
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(1);
}
const sources = files.map((path) => ({ path, source: readFileSync(path, 'utf8') }));
/** @type {boolean} */
let postgresNeeded;
try {
  postgresNeeded = needsPostgres(sources, process.env);
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
ensureTestPackages(sources);
const build = spawnSync(process.execPath, ['scripts/build.mjs', '--if-needed'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const phases = testPhases(sources, process.env);

/** @type {import('node:child_process').ChildProcess | undefined} */
let running;
/** @type {NodeJS.Signals | undefined} */
let interrupted;
// On Ctrl-C or SIGTERM (a CI timeout) the test runner is told too, no further phase starts, and the
// PostgreSQL server is stopped below before exiting. A second one exits at once: the server's watchdog
// (scripts/postgres-cluster.mjs) then stops it when it sees this process gone.
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.on(signal, () => {
    if (interrupted) process.exit(130);
    interrupted = signal;
    running?.kill(signal);
  });
}

/** @type {Awaited<ReturnType<typeof startCluster>> | undefined} */
let cluster;
/** @type {NodeJS.ProcessEnv} */
const env = { ...process.env, NODE_ENV: 'test' };
if (postgresNeeded && !process.env.SAT_TEST_PG_URL) {
  cluster = await startCluster();
  env.SAT_TEST_PG_URL = cluster.adminUrl;
  console.log(`test set-up: PostgreSQL on 127.0.0.1:${cluster.port} for this run`);
}

const dir = mkdtempSync(join(tmpdir(), 'sat-test-'));
const totals = { passed: 0, failed: 0, skipped: 0 };
/** Seconds each pass took, for CI's time budget. */
const took = new Map();
let status = 0;
try {
  for (const [i, phase] of phases.entries()) {
    if (interrupted) break;
    if (phase.pass !== FIRST_PASS) console.log(`\n== ${phase.pass}: ${phase.files.length} file(s), ${phase.concurrency} at a time\n`);
    const started = performance.now();
    const summaryFile = join(dir, `summary-${i}.txt`);
    running = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--test',
        `--test-concurrency=${phase.concurrency}`,
        '--test-reporter=spec',
        '--test-reporter-destination=stdout',
        '--test-reporter=./scripts/summary-reporter.mjs',
        `--test-reporter-destination=${summaryFile}`,
        ...phase.files,
      ],
      { stdio: 'inherit', env: phase.db ? { ...env, SAT_TEST_DB: phase.db } : env },
    );
    const code = await new Promise((resolve) => running?.once('close', (c) => resolve(c)));
    running = undefined;
    if (code !== 0) status = typeof code === 'number' ? code : 1;
    if (interrupted) break;
    const counts = /(\d+) passed, (\d+) failed(?:, (\d+) skipped)?/.exec(readFileSync(summaryFile, 'utf8'));
    if (!counts) status ||= 1;
    totals.passed += Number(counts?.[1] ?? 0);
    totals.failed += Number(counts?.[2] ?? 0);
    totals.skipped += Number(counts?.[3] ?? 0);
    took.set(phase.pass, (took.get(phase.pass) ?? 0) + (performance.now() - started) / 1000);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
  await cluster?.stop();
}
if (interrupted) process.exit(interrupted === 'SIGINT' ? 130 : 143);
if (took.size > 1) console.log(`\n${[...took].map(([pass, s]) => `${pass}: ${Math.round(s)} s`).join(', ')}`);
// The line CI reads.
console.log(`\n${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exit(status);
