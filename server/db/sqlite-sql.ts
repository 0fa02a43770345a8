// The SQL interface (sql.ts) on the console's one SQLite connection, shared with Prisma's adapter.
//
// Prisma's SQLite adapter runs every query on that one connection, and only its transactions take a lock: a
// plain query made while a transaction is open would join it (and be rolled back with it, or read what is
// not committed). So one lock (ConnectionLock) admits one transaction at a time, Prisma's (through
// isolatingAdapter) or ours, and a plain statement, Prisma's or ours, waits until no transaction holds it:
// its check and the statement run in one synchronous step (better-sqlite3 is synchronous), so no BEGIN can
// slip in between.
import { AsyncLocalStorage } from 'node:async_hooks';
import { closeSync, fsyncSync, openSync } from 'node:fs';
import type { SqlDriverAdapter, Transaction } from '@prisma/driver-adapter-utils';
import type BetterSqlite3 from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import { withSavepoint, type Dialect, type Sql, type SqlRunner, type SqlValue, type TransactionOptions } from './sql.js';
import { inUnitOfWork } from './unit-of-work.js';

export type Connection = BetterSqlite3.Database;

/** One holder at a time, in the order they asked. */
export class ConnectionLock {
  private holder: Promise<void> | undefined;
  private readonly waiting: (() => void)[] = [];
  private releaseHolder: (() => void) | undefined;

  get held(): boolean {
    return this.holder !== undefined;
  }

  /** Resolves once the lock is free; the caller must check `held` again before acting (another may take it first). */
  released(): Promise<void> {
    return this.holder ?? Promise.resolve();
  }

  async acquire(): Promise<() => void> {
    while (this.holder) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.holder = new Promise<void>((resolve) => (this.releaseHolder = resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const done = this.releaseHolder!;
      this.holder = undefined;
      this.releaseHolder = undefined;
      done();
      this.waiting.shift()?.();
    };
  }
}

async function whenFree(lock: ConnectionLock): Promise<void> {
  while (lock.held) await lock.released();
}

/** The adapter as Prisma sees it: its transactions take the connection's lock, its plain queries wait for it. */
export function isolatingAdapter(inner: SqlDriverAdapter, lock: ConnectionLock): SqlDriverAdapter {
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    // No await between the last check and the statement, which better-sqlite3 runs synchronously.
    async queryRaw(query) {
      await whenFree(lock);
      return inner.queryRaw(query);
    },
    async executeRaw(query) {
      await whenFree(lock);
      return inner.executeRaw(query);
    },
    async executeScript(script) {
      await whenFree(lock);
      return inner.executeScript(script);
    },
    async startTransaction(isolationLevel): Promise<Transaction> {
      const release = await lock.acquire();
      try {
        const tx = await inner.startTransaction(isolationLevel);
        const [commit, rollback] = [tx.commit.bind(tx), tx.rollback.bind(tx)];
        tx.commit = () => commit().finally(release);
        tx.rollback = () => rollback().finally(release);
        return tx;
      } catch (err) {
        release();
        throw err;
      }
    },
    ...(inner.getConnectionInfo ? { getConnectionInfo: () => inner.getConnectionInfo!() } : {}),
    dispose: () => inner.dispose(),
  };
}

/** Prepared statements kept for reuse at most. */
const MAX_PREPARED = 1000;

/** better-sqlite3 binds no booleans. */
const bindable = (params: readonly SqlValue[]) => params.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p));

export class SqliteSql implements Sql {
  readonly backend = 'sqlite' as const;
  readonly dialect: Dialect = { likeAnyCase: 'LIKE' };
  private readonly statements = new Map<string, Statement>();
  private readonly inTransaction = new AsyncLocalStorage<true>();
  /** Runs at once on the connection: inside a transaction, or once the lock is seen free. */
  private readonly direct: SqlRunner = {
    all: <T>(sql: string, params: readonly SqlValue[] = []) => Promise.resolve(this.prepared(sql).all(...bindable(params)) as T[]),
    get: <T>(sql: string, params: readonly SqlValue[] = []) =>
      Promise.resolve(this.prepared(sql).get(...bindable(params)) as T | undefined),
    run: (sql: string, params: readonly SqlValue[] = []) => Promise.resolve(this.prepared(sql).run(...bindable(params)).changes),
  };

  constructor(
    readonly connection: Connection,
    private readonly lock: ConnectionLock,
  ) {}

  private prepared(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      // Some statements are built for their number of rows (batches, IN lists): the cache stays bounded.
      if (this.statements.size >= MAX_PREPARED) this.statements.clear();
      statement = this.connection.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Inside a unit of work (Prisma's transaction, on this same connection) or one of ours: statements join it. */
  private get joined(): boolean {
    return inUnitOfWork() || this.inTransaction.getStore() !== undefined;
  }

  private async outside<T>(fn: () => Promise<T>): Promise<T> {
    if (!this.joined) await whenFree(this.lock);
    return fn();
  }

  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    return this.outside(() => this.direct.all<T>(sql, params));
  }

  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined> {
    return this.outside(() => this.direct.get<T>(sql, params));
  }

  run(sql: string, params?: readonly SqlValue[]): Promise<number> {
    return this.outside(() => this.direct.run(sql, params));
  }

  async transaction<T>(fn: (tx: SqlRunner) => Promise<T>, opts: TransactionOptions = {}): Promise<T> {
    if (this.joined) return fn(this.direct);
    const release = await this.lock.acquire();
    const c = this.connection;
    try {
      if (opts.durable) c.pragma('synchronous = FULL');
      this.prepared('BEGIN IMMEDIATE').run();
      try {
        const result = await this.inTransaction.run(true, () => fn(this.direct));
        this.prepared('COMMIT').run();
        return result;
      } catch (err) {
        if (c.inTransaction) this.prepared('ROLLBACK').run();
        throw err;
      }
    } finally {
      // In WAL mode NORMAL never corrupts the file; a power cut may lose the last commits, not a process crash.
      if (opts.durable) c.pragma('synchronous = NORMAL');
      release();
    }
  }

  savepoint<T>(fn: () => Promise<T>): Promise<T> {
    return this.joined ? withSavepoint(this.direct, fn) : fn();
  }

  get walFile(): string {
    return `${this.connection.name}-wal`;
  }

  /** Syncs the WAL file, which is what synchronous=FULL does at a commit. */
  async syncCommitted(): Promise<void> {
    await whenFree(this.lock);
    const fd = openSync(this.walFile, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  async ping(): Promise<void> {
    await this.get('SELECT 1');
  }
}
