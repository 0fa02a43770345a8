// `npm test`: every test file under test/ through node's test runner (TypeScript via tsx).
// Extra arguments narrow the run: `npm test -- unit` runs files whose path contains "unit".
// It first sees to the tools the selected tests run (scripts/test-setup.mjs), then builds dist/ when the
// sources changed (the e2e tests run the built console), so on a fresh machine it is the only command.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ensureTestPackages } from './test-setup.mjs';

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

const dir = mkdtempSync(join(tmpdir(), 'sat-test-'));
const totals = { passed: 0, failed: 0, skipped: 0 };
let status = 0;
for (const [i, phase] of phases.entries()) {
  const summaryFile = join(dir, `summary-${i}.txt`);
  const r = spawnSync(
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
    { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
  );
  if (r.status !== 0) status = r.status ?? 1;
  const counts = /(\d+) passed, (\d+) failed(?:, (\d+) skipped)?/.exec(readFileSync(summaryFile, 'utf8'));
  if (!counts) status ||= 1;
  totals.passed += Number(counts?.[1] ?? 0);
  totals.failed += Number(counts?.[2] ?? 0);
  totals.skipped += Number(counts?.[3] ?? 0);
}
rmSync(dir, { recursive: true, force: true });
// The line CI reads.
console.log(`\n${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exit(status);
