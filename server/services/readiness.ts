// Readiness: the database answers, every migration of its backend is applied, and what the upstream
// clocks looked like at the last call. Liveness (/api/health) asks nothing of the database.
import { migrationsDirOf } from '../db/backend.js';
import { sqlOf, type Db } from '../db/client.js';
import { readMigrations, recordedMigrations } from '../db/migrator.js';
import type { UpstreamClient } from '../upstream/client.js';
import type { Readiness } from '../contract/health.js';

export type { Readiness };

/** The migrations this build ships for the database's backend: read once, they cannot change while the console runs. */
export function shippedMigrations(db: Db): readonly string[] {
  return readMigrations(migrationsDirOf(sqlOf(db).backend)).migrationDirectories.map((m) => m.path);
}

export async function readiness(db: Db, expected: readonly string[], upstream: UpstreamClient): Promise<Readiness> {
  let database = { ok: true, message: 'ok' };
  let applied: string[] = [];
  try {
    const sql = sqlOf(db);
    await sql.ping();
    applied = (await recordedMigrations(sql)).filter((m) => m.finished).map((m) => m.name);
  } catch (err) {
    database = { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
  const missing = expected.filter((name) => !applied.includes(name));
  const migrations = { ok: database.ok && missing.length === 0, applied: applied.length, expected: expected.length, missing };
  return { ready: database.ok && migrations.ok, database, migrations, upstreams: upstream.clockOffsets() };
}
