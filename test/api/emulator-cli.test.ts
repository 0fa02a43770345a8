// test-backends: sqlite — the standalone emulator has no database: once is enough
// `npm run emulator` on its own: the documented example config, a real process, a real signed mint.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { signedHeaders } from '../../server/crypto/frame-signature.js';
import { unixSeconds } from '../../server/frame/signing-rules.js';
import { PROJECT_ROOT } from '../../server/paths.js';
import { http } from '../helpers/http.js';
import { tempDir } from '../helpers/tmp.js';

function runEmulator(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'server/emulator/main.ts'), ...args], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  /** The first match of `pattern` in the output as it arrives; null if the process exits without one. */
  const printed = (pattern: RegExp) =>
    new Promise<RegExpExecArray | null>((resolve) => {
      const look = () => {
        const match = pattern.exec(output);
        if (match) resolve(match);
      };
      child.stdout.on('data', look);
      child.stderr.on('data', look);
      void exited.then(() => resolve(pattern.exec(output)));
    });
  return { child, output: () => output, exited, printed };
}

test('the standalone emulator serves the example config on the port it is given', { timeout: 60_000 }, async (t) => {
  const run = runEmulator(['--config', 'docs/emulator.example.json', '--port', '0']);
  t.after(() => run.child.kill('SIGTERM'));
  const url = (await run.printed(/Frame SAT emulator on (http:\/\/\S+) with 2 credential\(s\) and 2 provider\(s\)/))?.[1];
  assert.ok(url, run.output());
  const config = JSON.parse(readFileSync(join(PROJECT_ROOT, 'docs/emulator.example.json'), 'utf8'));
  const cred = config.credentials[0];
  const p = config.providers[0];
  const res = await http<string>(
    'POST',
    `${url}/v1/accounts/${p.entityId}/secure-anonymous/${p.name}/tokens`,
    {},
    signedHeaders(cred.clientId, cred.clientSecret, unixSeconds(Date.now())),
  );
  assert.equal(res.status, 200);
  const faults = await http('GET', `${url}/_emulator/faults`);
  assert.equal(faults.status, 200, 'control API on, as the example config asks');
});

test('a broken config file stops the emulator with a message that names the problem', async (t) => {
  const dir = tempDir();
  t.after(dir.cleanup);
  const file = join(dir.path, 'bad.json');
  writeFileSync(
    file,
    JSON.stringify({ credentials: [], providers: [{ level: 'team', entityId: 'x', name: 'p', tokenDurationMinutes: 2 }] }),
  );
  const run = runEmulator(['--config', file, '--port', '0']);
  assert.equal(await run.exited, 1);
  assert.match(run.output(), /Invalid emulator config/);
  assert.match(run.output(), /providers\.0\.tokenDurationMinutes: must be >= 5/);
  const missing = runEmulator(['--config', join(dir.path, 'nope.json')]);
  assert.equal(await missing.exited, 1);
  assert.match(missing.output(), /Cannot read the emulator config file .*ENOENT/);
});
