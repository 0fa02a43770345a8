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
import { insertPending, readRows, writeCompletions, type BegunRow, type Completion } from './audit-batch.js';
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

/** The log line of a batch rolled back and written a write at a time. */
export const BATCH_RETRIED = 'audit: a batch could not be written in one transaction; each write is retried alone';

/** Held by every transaction that links rows into the chain. */
export const CHAIN_LOCK = 'audit-chain';

const TAIL = 'SELECT "chainIndex", "hash" FROM "AuditEvent" WHERE "chainIndex" IS NOT NULL ORDER BY "chainIndex" DESC LIMIT 1';

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

interface Finish {
  seq: number;
  outcome: string;
  detail: Record<string, unknown> | undefined;
}

/** A queued write, as data: a batch writes all its begun rows in one statement and all its completions in another. */
type Write =
  | { kind: 'begin'; row: BegunRow; bulkJobId: string | null }
  | ({ kind: 'finish' } & Finish)
  /** Nothing to write: resolves once every write queued before it has committed (syncNow). */
  | { kind: 'barrier' };

type QueuedWrite = Write & {
  /** The commit must survive a power cut (SQLite: synchronous=FULL). */
  durable: boolean;
  resolve: (value: number | undefined) => void;
  reject: (err: unknown) => void;
};

export class AuditWriter {
  /** Rows begun and not yet finished by this process, as written. */
  private readonly inFlight = new Map<number, BegunRow>();
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
  async begin(input: AuditInput): Promise<number> {
    const { principal, requestId, ip } = currentContext();
    const row: BegunRow = {
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
    // A pending row needs no sync of its own: the durable commit that completes it syncs the whole WAL,
    // this row included, before the action's result is returned.
    return (await this.enqueue({ kind: 'begin', row, bulkJobId: bulkJobOf(input.detail) }, false))!;
  }

  /**
   * Completes a row with its outcome (and more detail) and links it into the chain, in a durable commit.
   * With durable false the commit is not synced on SQLite: then the caller must call syncNow() before the
   * action's result reaches anyone.
   */
  async finish(seq: number, outcome: string, detail?: Record<string, unknown>, opts: { durable?: boolean } = {}): Promise<void> {
    await this.enqueue({ kind: 'finish', seq, outcome, detail }, opts.durable ?? true);
  }

  /**
   * Completes rows in the transaction of `tx`, which holds the chain lock: hashes them in the order given,
   * after the chain's tail, and writes them in one statement (per chunk). Throws unless every row was pending.
   */
  private async completeRows(tx: SqlRunner, chain: ChainCursor, finishes: readonly Finish[]): Promise<void> {
    // The rows as begin() wrote them; read back only those this process did not write.
    const unknown = finishes.map((f) => f.seq).filter((seq) => !this.inFlight.has(seq));
    const read = unknown.length ? await readRows(tx, unknown) : new Map<number, AuditRow>();
    let tail = await chain.last();
    const completions: Completion[] = finishes.map(({ seq, outcome, detail }) => {
      const stored = read.get(seq);
      if (stored && stored.hash !== null) throw new Error(`audit row ${seq} is already complete`);
      const row = this.inFlight.get(seq) ?? stored;
      if (!row) throw new Error(`audit row ${seq} is missing`);
      const merged = detail ? JSON.stringify({ ...(JSON.parse(row.detail) as object), ...detail }) : row.detail;
      const chainIndex = tail.chainIndex + 1;
      const prevHash = tail.hash;
      const hash = rowHash(prevHash, { ...row, seq, outcome, detail: merged, chainIndex });
      tail = { chainIndex, hash };
      return { seq, outcome, detail: merged, chainIndex, prevHash, hash };
    });
    await writeCompletions(tx, completions);
    chain.advance(tail);
  }

  /** Makes every audit row committed so far durable: waits for queued writes, then syncs (SQLite's WAL). */
  async syncNow(): Promise<void> {
    await this.enqueue({ kind: 'barrier' }, false);
    await this.sql.syncCommitted();
  }

  /**
   * Group commit: writes asked for in the same turn of the event loop (a bulk job's workers, concurrent
   * requests) go to the database in one transaction. If that transaction fails, each write is retried alone
   * so one bad write cannot take the others down; a write that fails alone rejects with audit/unavailable.
   * A batch that completes rows holds the chain lock and commits durably: one sync per batch.
   */
  private enqueue(write: Write, durable: boolean): Promise<number | undefined> {
    // A batch holds other requests' rows: it must never join one action's transaction (and so never be
    // asked for inside one; a database-only action's own row completes inside it, see around()).
    if (inUnitOfWork()) return Promise.reject(unavailable(new Error('an audit row was queued inside a unit of work')));
    return new Promise((resolve, reject) => {
      this.queue.push({ ...write, durable, resolve, reject });
      if (!this.draining) {
        this.draining = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  /**
   * Writes a batch in one transaction: its begun rows in one statement, then its completions in one (under the
   * chain lock); the seq of each begun row, in the batch's order. Nothing is remembered until the commit.
   */
  private async commit(ops: readonly QueuedWrite[]): Promise<(number | undefined)[]> {
    const begins = ops.filter((op) => op.kind === 'begin');
    const finishes = ops.filter((op) => op.kind === 'finish');
    // Barriers alone: every batch before this one has committed, which is all they wait for.
    if (!begins.length && !finishes.length) return ops.map(() => undefined);
    const seqs = await this.sql.transaction(
      async (tx) => {
        const inserted = begins.length
          ? await insertPending(
              tx,
              begins.map((op) => ({ ...op.row, bulkJobId: op.bulkJobId })),
            )
          : [];
        if (finishes.length) await this.completeRows(tx, new ChainCursor(tx), finishes);
        return inserted;
      },
      { durable: ops.some((op) => op.durable), locks: finishes.length ? [CHAIN_LOCK] : [] },
    );
    // Remembered only once committed: a rolled-back id may be given again to another row.
    begins.forEach((op, i) => this.inFlight.set(seqs[i]!, op.row));
    for (const op of finishes) this.inFlight.delete(op.seq);
    let next = 0;
    return ops.map((op) => (op.kind === 'begin' ? seqs[next++] : undefined));
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
      const results = await this.commit(batch);
      if (batch.some((op) => op.kind !== 'barrier'))
        this.onCommit(
          batch.some((op) => op.durable),
          (performance.now() - started) / 1000,
        );
      batch.forEach((op, i) => op.resolve(results[i]));
    } catch (err) {
      // The batch rolled back: each write is retried alone, in a transaction of its own. Said in the log, as a
      // batch failing for every write (not for one bad one) would otherwise only show as slow commits.
      if (batch.length > 1) this.log.warn({ err, writes: batch.length }, BATCH_RETRIED);
      for (const op of batch) {
        try {
          op.resolve((await this.commit([op]))[0]);
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
          const finish = { seq, outcome: 'ok', detail: after?.(value) };
          await this.sql.transaction((tx) => this.completeRows(tx, new ChainCursor(tx), [finish]), { locks: [CHAIN_LOCK] });
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
    this.inFlight.delete(seq);
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
