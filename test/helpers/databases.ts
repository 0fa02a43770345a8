// A fresh, empty database of either backend for tests that work below the console (migrations, the SQL
// interface), and a way to run a statement on it behind the console's back.
import { join } from 'node:path';
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
