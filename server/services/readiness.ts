// Readiness: the database answers, every migration in prisma/migrations is applied, and what the upstream
// clocks looked like at the last call. Liveness (/api/health) asks nothing of the database.
import { connectionOf, type Db } from '../db/client.js';
import { readMigrations, recordedMigrations } from '../db/migrator.js';
import type { UpstreamClient } from '../upstream/client.js';
import type { Readiness } from '../contract/health.js';

export type { Readiness };

/** The migrations this build ships: read once, they cannot change while the console runs. */
export function shippedMigrations(migrationsDir: string): readonly string[] {
  return readMigrations(migrationsDir).migrationDirectories.map((m) => m.path);
}

export function readiness(db: Db, expected: readonly string[], upstream: UpstreamClient): Readiness {
  let database = { ok: true, message: 'ok' };
  let applied: string[] = [];
  try {
    const c = connectionOf(db);
    c.prepare('SELECT 1').get();
    applied = recordedMigrations(c)
      .filter((m) => m.finished)
      .map((m) => m.name);
  } catch (err) {
    database = { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
  const missing = expected.filter((name) => !applied.includes(name));
  const migrations = { ok: database.ok && missing.length === 0, applied: applied.length, expected: expected.length, missing };
  return { ready: database.ok && migrations.ok, database, migrations, upstreams: upstream.clockOffsets() };
}
