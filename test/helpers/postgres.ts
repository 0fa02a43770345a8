// A real PostgreSQL for tests: a throwaway server on loopback (scripts/postgres-cluster.mjs), and fresh empty
// databases on it. `npm test` starts one server for the whole run when a selected file imports this helper
// (or SAT_TEST_DB=postgresql) and hands its admin URL to every test file in SAT_TEST_PG_URL; a file run on its
// own starts its own. Its time zone is not UTC unless asked, so a test passes only if the console forces UTC.
import { createDatabase, startCluster, type ClusterOptions } from '../../scripts/postgres-cluster.mjs';

export type PostgresOptions = ClusterOptions;

export interface Postgres {
  /** A superuser's URL (over 127.0.0.1), for set-up and inspection, never for the console under test. */
  adminUrl: string;
  /** The URL of a fresh empty database owned by a CREATEDB, non-superuser role: what DATABASE_URL gets. */
  createDatabase(prefix?: string): Promise<string>;
  /** Stops the server and removes its files; a no-op for a server this process did not start. */
  stop(): Promise<void>;
}

/** A server this process started: its postmaster's pid and the temp directory stop() removes. */
export interface OwnPostgres extends Postgres {
  pid: number;
  dir: string;
}

/** Starts a server of this process's own (a test about the server itself, or one with other settings). */
export async function startPostgres(opts?: PostgresOptions): Promise<OwnPostgres> {
  const { adminUrl, pid, dir, stop } = await startCluster(opts);
  return { adminUrl, pid, dir, stop, createDatabase: (prefix) => createDatabase(adminUrl, prefix) };
}

let shared: Promise<Postgres> | undefined;

/**
 * The run's server: the one at SAT_TEST_PG_URL (an admin URL; `npm test` sets it), or else one started for
 * this process, stopped when the process exits (the cluster's watchdog sees to it; nothing to call).
 */
export function sharedPostgres(): Promise<Postgres> {
  shared ??= sharedServer();
  return shared;
}

async function sharedServer(): Promise<Postgres> {
  const url = process.env.SAT_TEST_PG_URL;
  if (url) return { adminUrl: url, createDatabase: (prefix) => createDatabase(url, prefix), stop: async () => {} };
  const own = await startPostgres();
  // Every test of this process shares it: one calling stop() would pull it from under the rest.
  return { ...own, stop: async () => {} };
}
