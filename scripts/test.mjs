// `npm test`: every test file under test/ through node's test runner (TypeScript via tsx).
// Extra arguments narrow the run: `npm test -- unit` runs files whose path contains "unit".
// It first sees to the tools the selected tests run (scripts/test-setup.mjs), then builds dist/ when the
// sources changed (the e2e tests run the built console), so on a fresh machine it is the only command.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
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
ensureTestPackages(files.map((path) => ({ path, source: readFileSync(path, 'utf8') })));
const build = spawnSync(process.execPath, ['scripts/build.mjs', '--if-needed'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const r = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-concurrency=2',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=./scripts/summary-reporter.mjs',
    '--test-reporter-destination=stdout',
    ...files,
  ],
  { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
);
process.exit(r.status ?? 1);
