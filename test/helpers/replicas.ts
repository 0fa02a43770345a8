// Console replicas as production runs them: `node dist/console.js` child processes on one PostgreSQL
// database, each with its own port and data directory and the same master key, like the `ha` compose profile.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../server/paths.js';
import { CONSOLE_RUNTIME_ENV } from '../../server/runtime-env.js';
import { OWNER } from './console.js';
import { tempDir } from './tmp.js';

export interface Replica {
  name: string;
  url: string;
  proc: ChildProcess;
  stderr(): string;
  /** SIGKILL: the process dies as in a crash, nothing is closed. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const exited = (proc: ChildProcess) =>
  proc.exitCode !== null || proc.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => proc.once('exit', () => resolve()));

export async function startReplica(name: string, env: Record<string, string>): Promise<Replica> {
  const port = await freePort();
  const dir = tempDir(`sat-replica-${name}-`);
  const proc = spawn(process.execPath, [join(PROJECT_ROOT, 'dist/console.js')], {
    env: {
      ...process.env,
      ...CONSOLE_RUNTIME_ENV,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dir.path,
      LOG_LEVEL: 'info',
      SAT_OWNER_EMAIL: OWNER.email,
      SAT_OWNER_PASSWORD: OWNER.password,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Its log (stdout) and stderr, for the error when it does not start.
  let stderr = '';
  proc.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  proc.stdout!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const replica: Replica = {
    name,
    url,
    proc,
    stderr: () => stderr,
    async kill() {
      proc.kill('SIGKILL');
      await exited(proc);
      dir.cleanup();
    },
    async stop() {
      proc.kill('SIGTERM');
      await exited(proc);
      dir.cleanup();
    },
  };
  for (let i = 0; i < 600; i++) {
    if (proc.exitCode !== null) throw new Error(`replica ${name} exited with ${proc.exitCode}: ${stderr}`);
    const up = await fetch(`${url}/api/ready`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (up) return replica;
    await new Promise((r) => setTimeout(r, 50)); // the child process is still starting: ask /api/ready again
  }
  await replica.kill();
  throw new Error(`replica ${name} did not become ready: ${stderr}`);
}
