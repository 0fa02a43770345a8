// The production start path as a child process: `node dist/console.js` (the bundle `npm run build` makes)
// with the environment `npm start` gives it (CONSOLE_RUNTIME_ENV), on a data directory and port, with the
// test owner from SAT_OWNER_EMAIL/PASSWORD, on the data directory's database (test/helpers/console.ts). Resolves once /api/ready answers 200; a console that exits or
// never gets ready is killed, and its stderr is in the error.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../server/paths.js';
import { CONSOLE_RUNTIME_ENV } from '../../server/runtime-env.js';
import { databaseEnv, OWNER } from './console.js';

export async function startBuiltConsole(opts: { port: number; dataDir: string; attempts: number }): Promise<ChildProcess> {
  const proc = spawn(process.execPath, [join(PROJECT_ROOT, 'dist/console.js')], {
    env: {
      ...process.env,
      ...CONSOLE_RUNTIME_ENV,
      ...(await databaseEnv(opts.dataDir)),
      PORT: String(opts.port),
      DATA_DIR: opts.dataDir,
      LOG_LEVEL: 'warn',
      SAT_OWNER_EMAIL: OWNER.email,
      SAT_OWNER_PASSWORD: OWNER.password,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  proc.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  for (let i = 0; i < opts.attempts; i++) {
    if (proc.exitCode !== null) throw new Error(`the console exited with ${proc.exitCode}: ${stderr}`);
    const up = await fetch(`http://127.0.0.1:${opts.port}/api/ready`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (up) return proc;
    await new Promise((r) => setTimeout(r, 50)); // the child process is still starting: ask /api/ready again
  }
  proc.kill('SIGKILL');
  throw new Error(`the console did not become ready: ${stderr}`);
}
