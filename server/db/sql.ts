// The console's own SQL, for the few paths where Prisma's query planning costs more than the statement
// (the audit chain, mint history, sign-in counters, quotas) or where a statement must run inside a lock:
// one small async interface, implemented for SQLite (sqlite-sql.ts) and PostgreSQL (postgres-sql.ts).
//
// Statements are written once, in the SQL both backends speak: double-quoted identifiers, `?` placeholders
// (never inside a string literal), ON CONFLICT, RETURNING, CASE instead of boolean arithmetic; what differs
// is asked of `dialect`. Rows come back alike: integers as number or bigint (read them with Number()),
// DateTime columns as the text storedDate() writes, so a row's hash is the same on either backend.
import type { Backend } from './backend.js';

export type SqlValue = string | number | bigint | boolean | null;

export interface SqlRunner {
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  /** Runs a statement; the number of rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
}

export interface TransactionOptions {
  /**
   * The commit is flushed to disk before it returns (SQLite: synchronous=FULL; PostgreSQL: synchronous_commit
   * on), so a power cut cannot lose it. Otherwise it returns before (synchronous=NORMAL; synchronous_commit
   * off): a later durable commit or syncCommitted() makes it durable.
   */
  durable?: boolean;
  /**
   * Names of locks held until the commit, across every process on the database (PostgreSQL advisory
   * locks, taken in sorted order so two transactions never wait on each other). SQLite's write
   * transactions are serialised anyway (BEGIN IMMEDIATE).
   */
  locks?: readonly string[];
  /** Locks held shared: many transactions at once, none while another holds it in `locks`. */
  sharedLocks?: readonly string[];
}

export interface Dialect {
  /** LIKE that ignores case: SQLite's LIKE folds ASCII, PostgreSQL's does not. */
  readonly likeAnyCase: 'LIKE' | 'ILIKE';
}

export interface Sql extends SqlRunner {
  readonly backend: Backend;
  readonly dialect: Dialect;
  /**
   * Runs fn in one transaction: committed when it resolves, rolled back when it throws. Inside a unit of work
   * (unit-of-work.ts) or another transaction of this interface it joins that one (locks are still taken).
   * Statements made through this interface inside fn, on `tx` or not, run in the transaction.
   */
  transaction<T>(fn: (tx: SqlRunner) => Promise<T>, opts?: TransactionOptions): Promise<T>;
  /**
   * Runs fn so that, inside a transaction, its failure undoes only its own statements and leaves the
   * transaction usable (a savepoint): on PostgreSQL a failed statement (a unique violation) otherwise
   * aborts the whole transaction, and the next query in it is refused. Outside a transaction, just fn().
   */
  savepoint<T>(fn: () => Promise<T>): Promise<T>;
  /** SQLite: the WAL file a durable commit syncs (wal-presync.ts starts that early); PostgreSQL: null. */
  readonly walFile: string | null;
  /** Makes every commit so far survive a power cut (SQLite: syncs the WAL file; PostgreSQL: flushes its WAL). */
  syncCommitted(): Promise<void>;
  /** Reads for readiness: the database answers. */
  ping(): Promise<void>;
}

/** `?` placeholders as PostgreSQL's `$1, $2, …`. */
export function numberedPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

let savepoints = 0;

/** The savepoint of `savepoint()`, on a runner inside a transaction. */
export async function withSavepoint<T>(tx: SqlRunner, fn: () => Promise<T>): Promise<T> {
  const name = `sat_sp_${++savepoints}`;
  await tx.run(`SAVEPOINT ${name}`);
  try {
    const result = await fn();
    await tx.run(`RELEASE SAVEPOINT ${name}`);
    return result;
  } catch (err) {
    await tx.run(`ROLLBACK TO SAVEPOINT ${name}`);
    throw err;
  }
}
