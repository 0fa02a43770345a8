// A real console: temp data directory, real SQLite file, ephemeral loopback port, captured logs.
import { loadConfig } from '../../server/config.js';
import { startConsole, type RunningConsole } from '../../server/boot.js';
import { logCapture } from './log-capture.js';
import { tempDir } from './tmp.js';

export interface TestConsole extends RunningConsole {
  dataDir: string;
  dbFile: string;
  logs(): string;
  stop(): Promise<void>;
}

export async function startTestConsole(env: Record<string, string> = {}, opts: { dataDir?: string; webRoot?: string } = {}): Promise<TestConsole> {
  const dir = opts.dataDir ? { path: opts.dataDir, cleanup: () => {} } : tempDir('sat-console-');
  const capture = logCapture();
  const config = loadConfig({ DATA_DIR: dir.path, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env });
  const running = await startConsole(config, { logStream: capture.stream, ...(opts.webRoot ? { webRoot: opts.webRoot } : {}) });
  return {
    ...running,
    dataDir: dir.path,
    dbFile: config.dbFile,
    logs: capture.text,
    async stop() {
      await running.close();
      dir.cleanup();
    },
  };
}

/** A console with its seeded demo provider (on the built-in emulator), the common start of many tests. */
export async function startWithDemo(env: Record<string, string> = {}): Promise<{ app: TestConsole; demo: { id: string; name: string; tokenDurationMin: number } }> {
  const app = await startTestConsole(env);
  const res = await fetch(`${app.url}/api/providers`);
  const [demo] = (await res.json()) as { id: string; name: string; tokenDurationMin: number }[];
  if (!demo) throw new Error('the demo provider was not seeded');
  return { app, demo };
}
