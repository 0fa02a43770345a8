// Which test files `npm test` runs in which pass (pure; scripts/test.mjs runs them). The selected files run on
// SQLite; the API suite (test/api, test/fuzz) runs a second time on PostgreSQL, but for files marked SQLite-only
// and those that drive a browser (they stay on SQLite). SAT_TEST_DB picks one backend for the whole run instead.

/**
 * Files that compare timings taken in one run (a trusted sign-in during a flood against an idle one) say so
 * with this marker: they run first, one at a time, so another test file's processes are not what they measure,
 * nor the disk still writing back what the browser tests left (after them, the flood's audit commits each
 * waited on a busy disk: the owner's sign-in took 4.5-8 s instead of 0.2 s, three runs of three).
 */
export const ALONE = '// test-runner: alone';

/** A file whose tests stay on SQLite says so, and why, in its first lines: `// test-backends: sqlite — <why>`. */
const SQLITE_ONLY = /^\/\/ test-backends: sqlite\b/m;

/** The API suite: the files run on both backends. */
const API_SUITE = /^test\/(api|fuzz)\//;

/**
 * @typedef {{ pass: string, db: 'postgresql' | undefined, files: string[], concurrency: number }} Phase
 * `pass` names the pass the phase belongs to; `db` is SAT_TEST_DB for its processes (undefined: as given).
 */

/** The first pass: the selected files, on the backend SAT_TEST_DB names (SQLite unless told otherwise). */
export const FIRST_PASS = 'the selected files';
export const POSTGRES_PASS = 'the API suite again, on PostgreSQL';

/**
 * The run's phases, one test runner each, in order: the files marked ALONE, one at a time (the selected ones,
 * then the API suite's on PostgreSQL), before anything else has loaded the machine; then the rest, two at a
 * time (the selected ones, then the API suite's on PostgreSQL).
 * @param {ReadonlyArray<{ path: string, source: string }>} files the selected files
 * @param {Readonly<Record<string, string | undefined>>} env
 * @returns {Phase[]}
 */
export function testPhases(files, env) {
  const again = postgresPassFiles(files, env);
  const passes = [
    { pass: FIRST_PASS, db: undefined, files },
    { pass: POSTGRES_PASS, db: /** @type {const} */ ('postgresql'), files: again },
  ];
  /** @type {Phase[]} */
  const phases = [];
  for (const alone of [true, false])
    for (const { pass, db, files: some } of passes) {
      const chosen = some.filter((f) => f.source.includes(ALONE) === alone).map((f) => f.path);
      if (chosen.length > 0) phases.push({ pass, db, files: chosen, concurrency: alone ? 1 : 2 });
    }
  return phases;
}

/**
 * The selected API suite files to run again on PostgreSQL: none when SAT_TEST_DB names a backend for the whole
 * run (sqlite: SQLite only; postgresql: the whole run is on it already).
 * @param {ReadonlyArray<{ path: string, source: string }>} files
 * @param {Readonly<Record<string, string | undefined>>} env
 */
export function postgresPassFiles(files, env) {
  if (env.SAT_TEST_DB) return [];
  return files.filter(
    ({ path, source }) =>
      API_SUITE.test(path.replaceAll('\\', '/')) && !SQLITE_ONLY.test(source.slice(0, 2000)) && !source.includes('helpers/browser'),
  );
}
