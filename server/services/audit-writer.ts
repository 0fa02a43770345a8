// Writing the audit log: one row per action, written before the action happens (fail closed: if the row
// cannot be written, the action is refused and nothing else happens) and completed with its outcome
// afterwards. Completed rows are hash-chained in chainIndex order (audit-rows.ts). Rows are written with the
// console's own SQL (sql.ts) in group commits; a transaction that completes rows holds the chain's lock
// (across every replica on PostgreSQL) and reads the chain's tail inside it, so two writers never link to
// the same row. Completed rows commit durably (SQLite: synchronous=FULL), so a power cut cannot lose the row
// of a token already returned. Reading and verifying is audit-query.ts; retention is audit-retention.ts.
import { sqlOf, type Db } from '../db/client.js';
import type { Sql, SqlRunner } from '../db/sql.js';
import { inUnitOfWork, unitOfWork } from '../db/unit-of-work.js';
import { DomainError } from '../errors.js';
import { actorId, actorLabel, currentContext } from '../auth/context.js';
import { bulkJobOf, GENESIS_HASH, rowHash, storedDate, type AuditInput, type AuditRow } from './audit-rows.js';
import { NO_LOG, type ServiceLog } from './service-log.js';

function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function unavailable(err: unknown): DomainError {
  return new DomainError(
    'audit/unavailable',
    `The audit log could not be written (${reasonOf(err)}); nothing was done. Check the data directory's disk and permissions.`,
  );
}

/** For an action already done (an upstream call) whose row could not be completed: the answer says so. */
export function doneButUnaudited(done: string, err: unknown): DomainError {
  return new DomainError(
    'audit/unavailable',
    `${done}, but its audit row could not be completed (${reasonOf(err)}), so the result is withheld. Check the data directory's disk and permissions.`,
  );
}

/** Held by every transaction that links rows into the chain. */
export const CHAIN_LOCK = 'audit-chain';

const INSERT = `INSERT INTO "AuditEvent" ("at", "actor", "actorId", "action", "target", "providerId", "outcome", "detail", "requestId", "ip", "bulkJobId")
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING "seq"`;
const TAIL = 'SELECT "chainIndex", "hash" FROM "AuditEvent" WHERE "chainIndex" IS NOT NULL ORDER BY "chainIndex" DESC LIMIT 1';
const COMPLETE =
  'UPDATE "AuditEvent" SET "outcome" = ?, "detail" = ?, "chainIndex" = ?, "prevHash" = ?, "hash" = ? WHERE "seq" = ? AND "hash" IS NULL';
const GET = 'SELECT * FROM "AuditEvent" WHERE "seq" = ?';

type Tail = { chainIndex: number; hash: string };

/** The chain's last row as one transaction sees it: read once (under the chain lock), then advanced by its own completions. */
class ChainCursor {
  private tail: Tail | undefined;
  constructor(private readonly tx: SqlRunner) {}

  async last(): Promise<Tail> {
    if (!this.tail) {
      const row = await this.tx.get<{ chainIndex: number | bigint; hash: string }>(TAIL);
      this.tail = row ? { chainIndex: Number(row.chainIndex), hash: row.hash } : { chainIndex: 0, hash: GENESIS_HASH };
    }
    return this.tail;
  }

  advance(tail: Tail): void {
    this.tail = tail;
  }
}

type Write<T> = (tx: SqlRunner, chain: ChainCursor) => Promise<T>;

interface QueuedWrite {
  write: Write<unknown>;
  /** Links a row into the chain: the transaction holds the chain lock. */
  chained: boolean;
  /** The commit must survive a power cut (SQLite: synchronous=FULL). */
  durable: boolean;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

export class AuditWriter {
  /** Rows begun and not yet finished by this process, as written. */
  private readonly inFlight = new Map<number, Omit<AuditRow, 'seq' | 'outcome' | 'chainIndex' | 'prevHash' | 'hash' | 'bulkJobId'>>();
  private readonly queue: QueuedWrite[] = [];
  private draining = false;

  constructor(
    protected readonly db: Db,
    protected readonly now: () => number = Date.now,
    /** Told how long each batch's transaction took, and whether its commit synced (metrics). */
    private readonly onCommit: (synced: boolean, seconds: number) => void = () => {},
    /** Where a failure no caller can be told of goes (a row left pending, a sync that failed after the commit). */
    private readonly log: ServiceLog = NO_LOG,
  ) {}

  protected get sql(): Sql {
    return sqlOf(this.db);
  }

  /** Writes the row of an action about to happen, outcome "pending"; throws audit/unavailable (503) if it cannot. */
  begin(input: AuditInput): Promise<number> {
    const { principal, requestId, ip } = currentContext();
    const row = {
      at: storedDate(this.now()),
      actor: actorLabel(principal),
      actorId: actorId(principal),
      action: input.action,
      target: input.target ?? null,
      providerId: input.providerId ?? null,
      detail: JSON.stringify(input.detail ?? {}),
      requestId,
      ip,
    };
    const values = [row.at, row.actor, row.actorId, row.action, row.target, row.providerId, 'pending', row.detail, row.requestId, row.ip];
    return this.enqueue(
      async (tx) => Number((await tx.get<{ seq: number | bigint }>(INSERT, [...values, bulkJobOf(input.detail)]))!.seq),
      // A pending row needs no sync of its own: the durable commit that completes it syncs the whole WAL,
      // this row included, before the action's result is returned.
      { chained: false, durable: false },
      // Remembered only once committed: a rolled-back id may be given again to another row.
      (seq) => this.inFlight.set(seq, row),
    );
  }

  /**
   * Completes a row with its outcome (and more detail) and links it into the chain, in a durable commit.
   * With durable false the commit is not synced on SQLite: then the caller must call syncNow() before the
   * action's result reaches anyone.
   */
  finish(seq: number, outcome: string, detail?: Record<string, unknown>, opts: { durable?: boolean } = {}): Promise<void> {
    return this.enqueue((tx, chain) => this.completeRow(tx, chain, seq, outcome, detail), { chained: true, durable: opts.durable ?? true });
  }

  /** Completes a row in the transaction of `tx`, which holds the chain lock; links it into the chain. */
  private async completeRow(
    tx: SqlRunner,
    chain: ChainCursor,
    seq: number,
    outcome: string,
    detail?: Record<string, unknown>,
  ): Promise<void> {
    // The row as begin() wrote it; read back only if this process did not write it.
    const row = this.inFlight.get(seq) ?? (await tx.get<AuditRow>(GET, [seq]));
    if (!row || ('hash' in row && row.hash !== null)) throw new Error(`audit row ${seq} is missing or already complete`);
    const merged = detail ? JSON.stringify({ ...(JSON.parse(row.detail) as object), ...detail }) : row.detail;
    const tail = await chain.last();
    const chainIndex = tail.chainIndex + 1;
    const prevHash = tail.hash;
    const hash = rowHash(prevHash, { ...row, seq, outcome, detail: merged, chainIndex });
    if ((await tx.run(COMPLETE, [outcome, merged, chainIndex, prevHash, hash, seq])) !== 1)
      throw new Error(`audit row ${seq} could not be completed`);
    chain.advance({ chainIndex, hash });
    this.inFlight.delete(seq);
  }

  /** Makes every audit row committed so far durable: waits for queued writes, then syncs (SQLite's WAL). */
  async syncNow(): Promise<void> {
    await this.enqueue(() => Promise.resolve(undefined), { chained: false, durable: false });
    await this.sql.syncCommitted();
  }

  /**
   * Group commit: writes asked for in the same turn of the event loop (a bulk job's workers, concurrent
   * requests) go to the database in one transaction. If that transaction fails, each write is retried alone
   * so one bad write cannot take the others down; a write that fails alone rejects with audit/unavailable.
   * A batch that completes rows holds the chain lock and commits durably: one sync per batch.
   */
  private enqueue<T>(write: Write<T>, how: { chained: boolean; durable: boolean }, committed?: (result: T) => void): Promise<T> {
    // A batch holds other requests' rows: it must never join one action's transaction (and so never be
    // asked for inside one; a database-only action's own row completes inside it, see around()).
    if (inUnitOfWork()) return Promise.reject(unavailable(new Error('an audit row was queued inside a unit of work')));
    return new Promise<T>((resolve, reject) => {
      const done = (value: unknown) => {
        committed?.(value as T);
        resolve(value as T);
      };
      this.queue.push({ write: write as Write<unknown>, ...how, resolve: done, reject });
      if (!this.draining) {
        this.draining = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private commit<T>(ops: QueuedWrite[], run: (tx: SqlRunner, chain: ChainCursor) => Promise<T>): Promise<T> {
    const durable = ops.some((op) => op.durable);
    const chained = ops.some((op) => op.chained);
    return this.sql.transaction((tx) => run(tx, new ChainCursor(tx)), { durable, locks: chained ? [CHAIN_LOCK] : [] });
  }

  /** One batch at a time: what is queued while a batch commits goes in the next one. */
  private async drain(): Promise<void> {
    while (this.queue.length) await this.flush();
    this.draining = false;
  }

  private async flush(): Promise<void> {
    const batch = this.queue.splice(0);
    const started = performance.now();
    try {
      const results = await this.commit(batch, async (tx, chain) => {
        const out: unknown[] = [];
        for (const op of batch) out.push(await op.write(tx, chain));
        return out;
      });
      this.onCommit(
        batch.some((op) => op.durable),
        (performance.now() - started) / 1000,
      );
      batch.forEach((op, i) => op.resolve(results[i]));
    } catch {
      // The batch rolled back: each write is retried alone, in a transaction of its own.
      for (const op of batch) {
        try {
          op.resolve(await this.commit([op], (tx, chain) => op.write(tx, chain)));
        } catch (err) {
          op.reject(unavailable(err));
        }
      }
    }
  }

  /** One complete row for an action already decided (a sign-in, a lock). */
  async record(input: AuditInput & { outcome: string }): Promise<void> {
    await this.finish(await this.begin(input), input.outcome);
  }

  /**
   * Runs a database-only action under one audit row: nothing happens unless the row is written first, and
   * the action's writes and the row's completion ("ok" plus `after(result)`) commit in one transaction, so
   * both happen or neither. On failure the row is completed with the error's code and the error passed on.
   * The act must not call the upstream or do slow work: other writers wait for its transaction (aroundCall).
   */
  async around<T>(input: AuditInput, act: () => Promise<T>, after?: (result: T) => Record<string, unknown>): Promise<T> {
    const seq = await this.begin(input);
    let result: T;
    try {
      result = await unitOfWork(this.db, async () => {
        const value = await act();
        try {
          // Joins the unit of work's transaction, and takes the chain lock in it until the commit.
          await this.sql.transaction((tx) => this.completeRow(tx, new ChainCursor(tx), seq, 'ok', after?.(value)), { locks: [CHAIN_LOCK] });
        } catch (err) {
          // The action's writes roll back with it: "nothing was done" is the truth.
          throw unavailable(err);
        }
        return value;
      });
    } catch (err) {
      await this.finishFailed(seq, input, err);
      throw err;
    }
    // Committed with synchronous=NORMAL; the row is on disk before the answer, like every other row. The
    // action and its row are committed either way: a failed sync does not undo them, so the answer stands
    // and the operator hears of it (the next durable commit syncs the WAL again).
    await this.syncNow().catch((err: unknown) =>
      this.log.error({ err, seq, action: input.action }, 'audit: an action and its row are committed but could not be synced to disk'),
    );
    return result;
  }

  /**
   * Runs an action that calls the upstream (or does slow work outside the database) under one audit row,
   * written before it (fail closed). The call cannot be undone, so when its row cannot be completed the
   * answer says what was done and that the result is withheld (`done` describes it).
   */
  async aroundCall<T>(
    input: AuditInput,
    act: () => Promise<T>,
    after?: (result: T) => Record<string, unknown>,
    done: (result: T) => string = () => 'The action was done',
  ): Promise<T> {
    const seq = await this.begin(input);
    let result: T;
    try {
      result = await act();
    } catch (err) {
      await this.finishFailed(seq, input, err);
      throw err;
    }
    try {
      await this.finish(seq, 'ok', after?.(result));
    } catch (err) {
      throw doneButUnaudited(done(result), err);
    }
    return result;
  }

  /**
   * Completes the row of an action that failed with the failure's code. The caller passes the action's own
   * error on (that is the answer); when the row cannot be completed too, it stays pending (verifyChain counts
   * it) and the log says which one, since the answer cannot carry both.
   */
  private async finishFailed(seq: number, input: AuditInput, err: unknown): Promise<void> {
    const outcome = err instanceof DomainError ? err.code : 'internal/error';
    await this.finish(seq, outcome).catch((lost: unknown) => {
      this.log.error(
        { err: lost, seq, action: input.action, outcome },
        'audit: the row of a failed action could not be completed and stays pending',
      );
    });
  }
}
