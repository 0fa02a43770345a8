// The Prisma client on the configured backend, through a driver adapter (no engine binary): the SQLite file
// through better-sqlite3, or PostgreSQL through pg. Services hold a `Db` and reach the console's own SQL
// (sql.ts) with sqlOf(db).
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapter, SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { DatabaseTarget, PostgresTarget } from './backend.js';
import { PrismaClient as SqliteClient } from './generated/sqlite/client.js';
import { PrismaClient as PostgresClient } from './generated/postgresql/client.js';
import { openPool } from './pg-pool.js';
import { PostgresSql } from './postgres-sql.js';
import type { Sql } from './sql.js';
import { ConnectionLock, isolatingAdapter, SqliteSql, type Connection } from './sqlite-sql.js';
import { transactionalClient } from './unit-of-work.js';

/**
 * The client type services are written against: the SQLite client's, the narrower of the two generated
 * ones (PostgreSQL's adds query modes and isolation levels the console does not use; the model types are
 * identical, from the one prisma/models.prisma). The PostgreSQL client is used through it.
 */
export type Db = SqliteClient;
export type { Connection };

const sqls = new WeakMap<object, Sql>();

/** The console's own SQL on the database under a client (sql.ts). */
export function sqlOf(db: Db): Sql {
  const sql = sqls.get(db);
  if (!sql) throw new Error('This client was not opened by openDatabase');
  return sql;
}

export async function openDatabase(target: DatabaseTarget): Promise<Db> {
  const { prisma, sql } = target.backend === 'sqlite' ? await openSqlite(target.file) : await openPostgres(target);
  // Services hold the transactional view: inside a unit of work it is that unit's transaction.
  const db = transactionalClient(prisma);
  sqls.set(db, sql);
  sqls.set(prisma, sql);
  return db;
}

async function openSqlite(dbFile: string): Promise<{ prisma: Db; sql: Sql }> {
  const factory = new PrismaBetterSqlite3({ url: `file:${dbFile}`, timeout: 5000 });
  const lock = new ConnectionLock();
  let connection: Connection | undefined;
  const capturing: SqlDriverAdapterFactory = {
    provider: factory.provider,
    adapterName: factory.adapterName,
    async connect(): Promise<SqlDriverAdapter> {
      const adapter = await factory.connect();
      connection = (adapter as unknown as { client: Connection }).client;
      return isolatingAdapter(adapter, lock);
    },
  };
  const prisma = new SqliteClient({ adapter: capturing });
  await prisma.$connect();
  if (!connection) throw new Error('The database adapter did not connect');
  // Set on the connection itself (Prisma would plan each statement first). WAL lets readers run beside a
  // writer; the busy timeout (set above) comes before it.
  connection.pragma('journal_mode = WAL');
  // In WAL mode NORMAL never corrupts the file; a power cut may lose the last commits, not a process crash.
  connection.pragma('synchronous = NORMAL');
  connection.pragma('foreign_keys = ON');
  checkpointInBackground(connection);
  return { prisma, sql: new SqliteSql(connection, lock) };
}

async function openPostgres(target: PostgresTarget): Promise<{ prisma: Db; sql: Sql }> {
  const pool = openPool(target);
  // $disconnect ends the pool, which the console's own SQL shares.
  const prisma = new PostgresClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  await prisma.$connect();
  return { prisma: prisma as unknown as Db, sql: new PostgresSql(pool) };
}

/**
 * SQLite's automatic checkpoint runs inside whichever commit crosses 1,000 WAL pages and costs about as
 * much as the commits themselves (measured: 106 µs per insert with it, 53 µs without). Here it runs once a
 * second instead, off the request path, so a mint's audit rows commit at WAL-append cost. PASSIVE never
 * waits for readers; the WAL file is truncated back to 64 MiB at most.
 */
function checkpointInBackground(connection: Connection): void {
  connection.pragma('wal_autocheckpoint = 0');
  connection.pragma('journal_size_limit = 67108864');
  const timer = setInterval(() => {
    if (!connection.open) return clearInterval(timer);
    try {
      connection.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // Busy or closing: the next tick tries again.
    }
  }, 1000).unref();
}

/** Prisma's error codes we act on, by name. */
export const PRISMA_UNIQUE_VIOLATION = 'P2002';
export const PRISMA_FOREIGN_KEY_VIOLATION = 'P2003';
export const PRISMA_NOT_FOUND = 'P2025';

export function prismaCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}
