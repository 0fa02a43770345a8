// `npm test`: every test file under test/ through node's test runner (TypeScript via tsx).
// Extra arguments narrow the run: `npm test -- unit` runs files whose path contains "unit".
// It first sees to the tools the selected tests run (scripts/test-setup.mjs), then builds dist/ when the
// sources changed (the e2e tests run the built console), so on a fresh machine it is the only command.
// When a selected file runs against PostgreSQL (test/helpers/postgres.ts), or SAT_TEST_DB=postgresql asks
// for the API suite on it, one throwaway server serves the whole run: its admin URL goes to every test file
// in SAT_TEST_PG_URL, and it is stopped at the end, on failure and on Ctrl-C too. A SAT_TEST_PG_URL already
// set names a server to use instead (a superuser's URL).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { startCluster } from './postgres-cluster.mjs';
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

// Files that compare timings taken in one run (a trusted sign-in during a flood against an idle one) say
// so with this marker: they run first, one at a time, so another test file's processes are not what they
// measure, nor the disk still writing back what the browser tests left (after them, the flood's audit
// commits each waited on a busy disk: the owner's sign-in took 4.5-8 s instead of 0.2 s, three runs of three).
const ALONE = '// test-runner: alone';
const phases = [
  { files: sources.filter((f) => f.source.includes(ALONE)).map((f) => f.path), concurrency: 1 },
  { files: sources.filter((f) => !f.source.includes(ALONE)).map((f) => f.path), concurrency: 2 },
].filter((phase) => phase.files.length > 0);

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
let status = 0;
try {
  for (const [i, phase] of phases.entries()) {
    if (interrupted) break;
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
      { stdio: 'inherit', env },
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
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
  await cluster?.stop();
}
if (interrupted) process.exit(interrupted === 'SIGINT' ? 130 : 143);
// The line CI reads.
console.log(`\n${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exit(status);
