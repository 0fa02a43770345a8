// A real console: temp data directory, real SQLite file, ephemeral loopback port, captured logs.
// Started with an owner account (from SAT_OWNER_EMAIL/PASSWORD, as an unattended install would) and
// signed in as that owner: test/helpers/http.ts sends the session with every request to it.
import { loadConfig } from '../../server/config.js';
import { startConsole, type RunningConsole } from '../../server/boot.js';
import { logCapture } from './log-capture.js';
import { tempDir } from './tmp.js';
import { http, signIn, useSession, type SessionCredentials } from './http.js';

export const OWNER = { email: 'owner@example.test', password: 'owner-pass-Xq7!vZ93' };

export interface TestConsole extends RunningConsole {
  dataDir: string;
  dbFile: string;
  owner: SessionCredentials;
  logs(): string;
  stop(): Promise<void>;
}

export async function startTestConsole(env: Record<string, string> = {}, opts: { dataDir?: string; webRoot?: string; now?: () => number } = {}): Promise<TestConsole> {
  const dir = opts.dataDir ? { path: opts.dataDir, cleanup: () => {} } : tempDir('sat-console-');
  const capture = logCapture();
  const config = loadConfig({ DATA_DIR: dir.path, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', SAT_OWNER_EMAIL: OWNER.email, SAT_OWNER_PASSWORD: OWNER.password, ...env });
  const running = await startConsole(config, { logStream: capture.stream, ...(opts.webRoot ? { webRoot: opts.webRoot } : {}), ...(opts.now ? { now: opts.now } : {}) });
  let owner: SessionCredentials = { cookie: '', csrfToken: '' };
  if (config.owner) {
    owner = await signIn(running.url, config.owner.email, config.owner.password);
    useSession(running.url, owner);
  }
  return {
    ...running,
    dataDir: dir.path,
    dbFile: config.dbFile,
    owner,
    logs: capture.text,
    async stop() {
      useSession(running.url, null);
      await running.close();
      dir.cleanup();
    },
  };
}

/** A console with its seeded demo provider (on the built-in emulator), the common start of many tests. */
export async function startWithDemo(env: Record<string, string> = {}): Promise<{ app: TestConsole; demo: { id: string; name: string; tokenDurationMin: number } }> {
  const app = await startTestConsole(env);
  const res = await http<{ id: string; name: string; tokenDurationMin: number }[]>('GET', `${app.url}/api/providers`);
  const [demo] = res.json;
  if (!demo) throw new Error('the demo provider was not seeded');
  return { app, demo };
}
