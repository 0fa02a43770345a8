// Golden files: what a test renders is compared with a reviewed file checked in beside it. Only an explicit
// UPDATE_GOLDEN=1 writes one, and never in CI: a missing or different file fails, so a test can never pass
// by writing its own expectation.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

type Env = Record<string, string | undefined>;

/** CI=true (set by .ci/run) or any other CI value but "false"/"0". */
const inCi = (env: Env) => env.CI !== undefined && env.CI !== '' && env.CI !== 'false' && env.CI !== '0';

/**
 * Asserts that `file` holds exactly `actual`. `rerun` is the `npm test --` filter of the calling test file, for
 * the message that says how to (re)create the file. With UPDATE_GOLDEN=1 (outside CI) the file is written.
 */
export function assertGolden(file: string, actual: string, rerun: string, env: Env = process.env): void {
  const how = `UPDATE_GOLDEN=1 npm test -- ${rerun}, review the file and commit it`;
  if (env.UPDATE_GOLDEN === '1') {
    if (inCi(env)) assert.fail(`UPDATE_GOLDEN=1 is refused in CI: golden files are written on a developer machine (${how})`);
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) assert.fail(`golden file ${file} is missing: create it with ${how}`);
  assert.equal(actual, readFileSync(file, 'utf8'), `${file} differs: if the change is intended, update it with ${how}`);
}
