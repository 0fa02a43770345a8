// The SQL interface (sql.ts) on PostgreSQL: statements go to the pg pool Prisma's adapter also uses, or,
// inside a unit of work, through that unit's Prisma transaction (so they commit or roll back with it).
// Rows come back as on SQLite: int8 as bigint, timestamps as storedDate() text.
import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import { storedDate } from './stored-date.js';
import {
  numberedPlaceholders,
  withSavepoint,
  type Dialect,
  type Sql,
  type SqlRunner,
  type SqlValue,
  type TransactionOptions,
} from './sql.js';
import { currentTransaction, type TxClient } from './unit-of-work.js';

const INT8 = 20;
const TIMESTAMP = 1114;
const TIMESTAMPTZ = 1184;

/**
 * A timestamp as PostgreSQL writes it in a UTC session ("2026-12-02 05:00:00.12", or with "+00" for a timestamptz
 * such as _prisma_migrations.finished_at), as storedDate text. Date.parse wants an offset's minutes too.
 */
function timestampText(value: string): string {
  const iso = value.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00');
  return storedDate(Date.parse(/[Zz]|[+-]\d\d(:?\d\d)?$/.test(iso) ? iso : `${iso}Z`));
}

const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (format !== 'binary') {
      if (oid === INT8) return (v: string) => BigInt(v);
      if (oid === TIMESTAMP || oid === TIMESTAMPTZ) return timestampText;
    }
    return pg.types.getTypeParser(oid, format) as (value: string) => unknown;
  }) as pg.CustomTypesConfig['getTypeParser'],
};

type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

function poolRunner(q: Queryable): SqlRunner {
  const query = (sql: string, params: readonly SqlValue[]) =>
    q.query({ text: numberedPlaceholders(sql), values: params as unknown[], types });
  return {
    all: async <T>(sql: string, params: readonly SqlValue[] = []) => (await query(sql, params)).rows as T[],
    get: async <T>(sql: string, params: readonly SqlValue[] = []) => (await query(sql, params)).rows[0] as T | undefined,
    run: async (sql: string, params: readonly SqlValue[] = []) => (await query(sql, params)).rowCount ?? 0,
  };
}

/** Prisma's raw results hold Dates for timestamps: as storedDate text, like every other read. */
function fromPrisma<T>(row: Record<string, unknown>): T {
  for (const [key, value] of Object.entries(row)) if (value instanceof Date) row[key] = storedDate(value.getTime());
  return row as T;
}

function prismaRunner(tx: TxClient): SqlRunner {
  return {
    all: async <T>(sql: string, params: readonly SqlValue[] = []) =>
      (await tx.$queryRawUnsafe<Record<string, unknown>[]>(numberedPlaceholders(sql), ...params)).map((r) => fromPrisma<T>(r)),
    get: async <T>(sql: string, params: readonly SqlValue[] = []) => {
      const [row] = await tx.$queryRawUnsafe<Record<string, unknown>[]>(numberedPlaceholders(sql), ...params);
      return row && fromPrisma<T>(row);
    },
    // $executeRaw, not $queryRaw: pg_advisory_xact_lock returns void, which Prisma cannot read back.
    run: (sql: string, params: readonly SqlValue[] = []) => tx.$executeRawUnsafe(numberedPlaceholders(sql), ...params),
  };
}

/** Shared locks first, then exclusive ones, each set in sorted order: every transaction takes them alike. */
async function takeLocks(tx: SqlRunner, opts: TransactionOptions): Promise<void> {
  for (const name of [...new Set(opts.sharedLocks)].sort())
    await tx.run('SELECT pg_advisory_xact_lock_shared(hashtextextended(?, 0))', [name]);
  for (const name of [...new Set(opts.locks)].sort()) await tx.run('SELECT pg_advisory_xact_lock(hashtextextended(?, 0))', [name]);
}

export class PostgresSql implements Sql {
  readonly backend = 'postgresql' as const;
  readonly dialect: Dialect = { likeAnyCase: 'ILIKE' };
  private readonly inTransaction = new AsyncLocalStorage<SqlRunner>();
  private readonly plain: SqlRunner;

  constructor(private readonly pool: pg.Pool) {
    this.plain = poolRunner(pool);
  }

  /** The transaction statements join: the unit of work's, or one of ours. */
  private joined(): SqlRunner | undefined {
    const tx = currentTransaction();
    return tx ? prismaRunner(tx) : this.inTransaction.getStore();
  }

  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    return (this.joined() ?? this.plain).all<T>(sql, params);
  }

  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined> {
    return (this.joined() ?? this.plain).get<T>(sql, params);
  }

  run(sql: string, params?: readonly SqlValue[]): Promise<number> {
    return (this.joined() ?? this.plain).run(sql, params);
  }

  async transaction<T>(fn: (tx: SqlRunner) => Promise<T>, opts: TransactionOptions = {}): Promise<T> {
    const joined = this.joined();
    if (joined) {
      await takeLocks(joined, opts);
      return fn(joined);
    }
    const client = await this.pool.connect();
    const tx = poolRunner(client);
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      await takeLocks(tx, opts);
      const result = await this.inTransaction.run(tx, () => fn(tx));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch((e: unknown) => (broken = e as Error));
      throw err;
    } finally {
      // A connection that could not even roll back is closed rather than handed to the next caller.
      client.release(broken);
    }
  }

  savepoint<T>(fn: () => Promise<T>): Promise<T> {
    const joined = this.joined();
    return joined ? withSavepoint(joined, fn) : fn();
  }

  syncCommitted(): Promise<void> {
    return Promise.resolve();
  }

  async ping(): Promise<void> {
    await this.plain.get('SELECT 1');
  }
}
