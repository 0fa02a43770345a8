// A fresh, empty database of either backend for tests that work below the console (migrations, the SQL
// interface), and a way to run a statement on it behind the console's back.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { DEFAULT_POOL_SIZE, DEFAULT_STATEMENT_TIMEOUT_MS, type Backend, type DatabaseTarget } from '../../server/db/backend.js';
import { sharedPostgres } from './postgres.js';
import { tempDir } from './tmp.js';

/** An empty database; `cleanup` removes it (the PostgreSQL one is dropped with the shared server). */
export async function freshDatabase(backend: Backend, name = 'test'): Promise<{ target: DatabaseTarget; cleanup: () => void }> {
  if (backend === 'sqlite') {
    const dir = tempDir();
    return { target: { backend, file: join(dir.path, `${name}.db`) }, cleanup: dir.cleanup };
  }
  const url = await (await sharedPostgres()).createDatabase(name);
  return {
    target: { backend, url, poolSize: DEFAULT_POOL_SIZE, statementTimeoutMs: DEFAULT_STATEMENT_TIMEOUT_MS },
    cleanup: () => {},
  };
}

/** Runs SQL on the database directly, as someone with access to it could; the rows of the last statement. */
export async function rawSql<T = Record<string, unknown>>(target: DatabaseTarget, sql: string, params: unknown[] = []): Promise<T[]> {
  if (target.backend === 'sqlite') {
    const db = new Database(target.file);
    try {
      const statement = db.prepare(sql);
      return statement.reader ? (statement.all(...params) as T[]) : (statement.run(...params), []);
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: target.url });
  await client.connect();
  try {
    let n = 0;
    return (await client.query({ text: sql.replace(/\?/g, () => `$${++n}`), values: params })).rows as T[];
  } finally {
    await client.end();
  }
}

/**
 * Makes the database refuse writes to a table, as a full disk would: every INSERT or UPDATE of its rows (or,
 * with `action`, only those of rows with that action) fails inside the console's own transaction. The
 * returned function lifts the fault.
 * On SQLite a trigger raising ABORT; on PostgreSQL a trigger whose plpgsql function raises an exception
 * (SQLSTATE P0001, not restrict_violation: Prisma would report that as a foreign key error).
 */
export async function refuseWrites(
  on: { database: DatabaseTarget },
  table: 'AuditEvent' | 'BulkResult',
  event: 'INSERT' | 'UPDATE',
  opts: { action?: string } = {},
): Promise<() => Promise<void>> {
  const target = on.database;
  const name = `test_${table}_${event.toLowerCase()}_down`;
  // DDL takes no parameters: the action is quoted here (it comes from the test, never from a request).
  const when = opts.action === undefined ? '' : `WHEN (NEW."action" = '${opts.action.replaceAll("'", "''")}')`;
  if (target.backend === 'sqlite') {
    await rawSql(
      target,
      `CREATE TRIGGER "${name}" BEFORE ${event} ON "${table}" ${when} BEGIN SELECT RAISE(ABORT, 'disk full (test)'); END`,
    );
    return async () => void (await rawSql(target, `DROP TRIGGER "${name}"`));
  }
  await rawSql(
    target,
    `CREATE FUNCTION "${name}"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full (test)'; END; $$;
     CREATE TRIGGER "${name}" BEFORE ${event} ON "${table}" FOR EACH ROW ${when} EXECUTE FUNCTION "${name}"()`,
  );
  return async () => void (await rawSql(target, `DROP TRIGGER "${name}" ON "${table}"; DROP FUNCTION "${name}"()`));
}

/** Audit rows refused: 'insert' an action's pending row, 'update' its completion (refuseWrites on AuditEvent). */
export function auditFault(
  on: { database: DatabaseTarget },
  what: 'insert' | 'update',
  opts: { action?: string } = {},
): Promise<() => Promise<void>> {
  return refuseWrites(on, 'AuditEvent', what === 'insert' ? 'INSERT' : 'UPDATE', opts);
}

/** Every row of every table as JSON text: to show that a value is stored nowhere in the database. */
export async function everyRow(target: DatabaseTarget): Promise<string> {
  const tables = await rawSql<{ name: string }>(
    target,
    target.backend === 'sqlite'
      ? `SELECT "name" FROM sqlite_master WHERE "type" = 'table'`
      : 'SELECT "tablename" AS "name" FROM pg_tables WHERE "schemaname" = current_schema()',
  );
  const rows: unknown[] = [];
  for (const { name } of tables) rows.push(name, await rawSql(target, `SELECT * FROM "${name.replaceAll('"', '""')}"`));
  return JSON.stringify(rows);
}

/**
 * What the database holds, to search for a value that must never be stored in plaintext: on SQLite the bytes of
 * its files (the WAL too: a row rewritten or deleted may linger there or in a free page), on PostgreSQL every
 * row of every table (its files belong to the server).
 */
export async function storedData(target: DatabaseTarget): Promise<{ name: string; bytes: Buffer }[]> {
  if (target.backend === 'postgresql') return [{ name: 'every row', bytes: Buffer.from(await everyRow(target)) }];
  const dir = dirname(target.file);
  return readdirSync(dir)
    .filter((f) => f.startsWith(basename(target.file)))
    .map((f) => ({ name: f, bytes: readFileSync(join(dir, f)) }));
}
