// The console's process environment is one fact (server/runtime-env.ts) written in three places: the list
// the tests and the bench use, `npm start`, and the container's ENV. This keeps them the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../server/paths.js';
import { CONSOLE_RUNTIME_ENV } from '../../server/runtime-env.js';

/** NAME=value words, as a shell command or a Dockerfile ENV line writes them. */
function assignments(words: string[]): Record<string, string> {
  return Object.fromEntries(
    words.filter((w) => /^[A-Z_][A-Z0-9_]*=/.test(w)).map((w) => [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)]),
  );
}

test('npm start runs the bundle with exactly the console runtime environment', () => {
  const start = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts
    .start!;
  const launch = start
    .split('&&')
    .map((part) => part.trim())
    .find((part) => part.endsWith('node dist/console.js'));
  assert.ok(launch, `npm start does not run node dist/console.js: ${start}`);
  assert.deepEqual(assignments(launch.split(/\s+/)), CONSOLE_RUNTIME_ENV);
});

test("the container's runtime stage sets every variable of the console runtime environment", () => {
  const dockerfile = readFileSync(join(PROJECT_ROOT, 'Dockerfile'), 'utf8');
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  const env = assignments(
    runtime
      .split('\n')
      .filter((line) => line.startsWith('ENV '))
      .flatMap((line) => line.split(/\s+/).slice(1)),
  );
  for (const [name, value] of Object.entries(CONSOLE_RUNTIME_ENV))
    assert.equal(env[name], value, `Dockerfile runtime stage: ENV ${name}=${value}`);
  assert.match(runtime, /CMD \["node", "dist\/console\.js"\]/);
});
