// The Prisma client on a SQLite file through the better-sqlite3 driver adapter (no engine binary).
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import type { SqlDriverAdapter, SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type BetterSqlite3 from 'better-sqlite3';
import { PrismaClient } from './generated/client.js';
import { inUnitOfWork, isolatingAdapter, transactionalClient } from './unit-of-work.js';

export type Db = PrismaClient;
export type Connection = BetterSqlite3.Database;

const connections = new WeakMap<Db, Connection>();

/**
 * The better-sqlite3 connection under a client, for hot-path appends (history, audit) where Prisma's query
 * planning costs more than the write. One connection for both, so there is never a second writer to wait on.
 */
export function connectionOf(db: Db): Connection {
  const connection = connections.get(db);
  if (!connection) throw new Error('This client was not opened by openDatabase');
  return connection;
}

export async function openDatabase(dbFile: string): Promise<Db> {
  const factory = new PrismaBetterSqlite3({ url: `file:${dbFile}`, timeout: 5000 });
  let connection: Connection | undefined;
  const capturing: SqlDriverAdapterFactory = {
    provider: factory.provider,
    adapterName: factory.adapterName,
    async connect(): Promise<SqlDriverAdapter> {
      const adapter = await factory.connect();
      connection = (adapter as unknown as { client: Connection }).client;
      return isolatingAdapter(adapter, connection);
    },
  };
  const prisma = new PrismaClient({ adapter: capturing });
  await prisma.$connect();
  if (!connection) throw new Error('The database adapter did not connect');
  // Set on the connection itself (Prisma would plan each statement first). WAL lets readers run beside a
  // writer; the busy timeout (set above) comes before it.
  connection.pragma('journal_mode = WAL');
  // In WAL mode NORMAL never corrupts the file; a power cut may lose the last commits, not a process crash.
  connection.pragma('synchronous = NORMAL');
  connection.pragma('foreign_keys = ON');
  // Services hold the transactional view: inside a unit of work it is that unit's transaction.
  const db = transactionalClient(prisma);
  connections.set(db, connection);
  connections.set(prisma, connection);
  checkpointInBackground(connection);
  return db;
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

/**
 * Runs fn in a transaction whose commit survives a power cut: synchronous=FULL syncs the WAL before the
 * commit returns (about one fsync). The rest of the console's writes stay on NORMAL, which a process crash
 * never loses; the audit log, whose rows prove what tokens were handed out, commits this way.
 */
export function commitDurably<T>(connection: Connection, fn: () => T): T {
  connection.pragma('synchronous = FULL');
  try {
    return connection.transaction(fn)();
  } finally {
    connection.pragma('synchronous = NORMAL');
  }
}

/**
 * Runs a synchronous write on the connection once no Prisma transaction is open on it: the adapter runs
 * plain queries on the same connection, so a write made during someone else's transaction would join it.
 * Inside a unit of work (server/db/unit-of-work.ts) it joins that unit's transaction.
 */
export async function writeOutsideTransactions<T>(connection: Connection, write: () => T): Promise<T> {
  // Inside a unit of work the open transaction is the caller's own: the write joins it.
  if (inUnitOfWork()) return write();
  while (connection.inTransaction) await new Promise((resolve) => setTimeout(resolve, 1));
  return write();
}

/** Prisma's error codes we act on, by name. */
export const PRISMA_UNIQUE_VIOLATION = 'P2002';
export const PRISMA_FOREIGN_KEY_VIOLATION = 'P2003';
export const PRISMA_NOT_FOUND = 'P2025';

export function prismaCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}
