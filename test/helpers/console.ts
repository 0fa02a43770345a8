// A real console: temp data directory, real database, ephemeral loopback port, captured logs. The database is
// a SQLite file in the data directory, or, with SAT_TEST_DB=postgresql (the API suite's second run), a fresh
// database on the test run's PostgreSQL server (test/helpers/postgres.ts).
// Started with an owner account (from SAT_OWNER_EMAIL/PASSWORD, as an unattended install would) and
// signed in as that owner: test/helpers/http.ts sends the session with every request to it.
import { randomBytes, randomUUID } from 'node:crypto';
import { loadConfig } from '../../server/config.js';
import { startConsole, type RunningConsole } from '../../server/boot.js';
import type { Backend, DatabaseTarget } from '../../server/db/backend.js';
import { logCapture } from './log-capture.js';
import { sharedPostgres } from './postgres.js';
import { tempDir } from './tmp.js';
import { http, signIn, useSession, type SessionCredentials } from './http.js';

export const OWNER = { email: 'owner@example.test', password: 'owner-pass-Xq7!vZ93' };

export interface TestConsole extends RunningConsole {
  dataDir: string;
  /** The SQLite file in the data directory (unused when `database` is PostgreSQL). */
  dbFile: string;
  database: DatabaseTarget;
  owner: SessionCredentials;
  logs(): string;
  stop(): Promise<void>;
}

/** The backend this test run puts its consoles on (SAT_TEST_DB), sqlite unless told otherwise. */
export const TEST_BACKEND: Backend = process.env.SAT_TEST_DB === 'postgresql' ? 'postgresql' : 'sqlite';

/** On PostgreSQL, the database and master key of each data directory: a console restarted on it finds its data again. */
const postgresOf = new Map<string, Record<string, string>>();

/**
 * DATABASE_URL of a fresh database when the run is on PostgreSQL; nothing on SQLite (the data directory's file).
 * The same for every console or command line tool given this data directory: they all find the same data.
 */
export async function databaseEnv(dataDir: string): Promise<Record<string, string>> {
  if (TEST_BACKEND === 'sqlite') return {};
  let env = postgresOf.get(dataDir);
  if (!env) {
    env = { DATABASE_URL: await (await sharedPostgres()).createDatabase('console'), SAT_MASTER_KEY: randomBytes(32).toString('hex') };
    postgresOf.set(dataDir, env);
  }
  return env;
}

/** The database of the consoles on this data directory, for SQL behind their back (rawSql in test/helpers/databases.ts). */
export async function databaseOf(dataDir: string): Promise<DatabaseTarget> {
  return loadConfig({ DATA_DIR: dataDir, ...(await databaseEnv(dataDir)) }).database;
}

export async function startTestConsole(
  env: Record<string, string> = {},
  opts: { dataDir?: string; webRoot?: string; now?: () => number } = {},
): Promise<TestConsole> {
  const dir = opts.dataDir ? { path: opts.dataDir, cleanup: () => {} } : tempDir('sat-console-');
  const capture = logCapture();
  const config = loadConfig({
    ...(await databaseEnv(dir.path)),
    DATA_DIR: dir.path,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    SAT_OWNER_EMAIL: OWNER.email,
    SAT_OWNER_PASSWORD: OWNER.password,
    ...env,
  });
  const running = await startConsole(config, {
    logStream: capture.stream,
    ...(opts.webRoot ? { webRoot: opts.webRoot } : {}),
    ...(opts.now ? { now: opts.now } : {}),
  });
  let owner: SessionCredentials = { cookie: '', csrfToken: '' };
  if (config.owner) {
    owner = await signIn(running.url, config.owner.email, config.owner.password);
    useSession(running.url, owner);
  }
  return {
    ...running,
    dataDir: dir.path,
    dbFile: config.dbFile,
    database: config.database,
    owner,
    logs: capture.text,
    async stop() {
      useSession(running.url, null);
      await running.close();
      dir.cleanup();
    },
  };
}

/**
 * A new user of this role, who joined as people do: the signed-in owner invites, the invitee accepts the
 * one-time link with a password. Not signed in (signIn with the email and password).
 */
export async function addUser(
  app: TestConsole,
  role: string,
  providerIds: string[] = [],
): Promise<{ email: string; password: string; id: string }> {
  const email = `${role}-${randomUUID().slice(0, 8)}@example.test`;
  const password = `pw-${randomUUID()}`;
  const inv = await http<{ token: string }>('POST', `${app.url}/api/users/invites`, { email, role, providerIds });
  if (inv.status !== 201) throw new Error(`invite ${role}: ${inv.status} ${inv.text}`);
  const accepted = await http<{ user: { id: string } }>(
    'POST',
    `${app.url}/api/invites/accept`,
    { token: inv.json.token, password },
    { cookie: '' },
  );
  if (accepted.status !== 200) throw new Error(`accept ${role}: ${accepted.status} ${accepted.text}`);
  return { email, password, id: accepted.json.user.id };
}

/** A console with its seeded demo provider (on the built-in emulator), the common start of many tests. */
export async function startWithDemo(
  env: Record<string, string> = {},
  opts: Parameters<typeof startTestConsole>[1] = {},
): Promise<{ app: TestConsole; demo: { id: string; name: string; tokenDurationMin: number } }> {
  const app = await startTestConsole(env, opts);
  const res = await http<{ id: string; name: string; tokenDurationMin: number }[]>('GET', `${app.url}/api/providers`);
  const [demo] = res.json;
  if (!demo) throw new Error('the demo provider was not seeded');
  return { app, demo };
}
