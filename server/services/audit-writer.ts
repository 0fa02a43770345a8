// Writing the audit log: one row per action, written before the action happens (fail closed: if the row
// cannot be written, the action is refused and nothing else happens) and completed with its outcome
// afterwards. Completed rows are hash-chained in chainIndex order (audit-rows.ts). Rows are written straight
// to SQLite on the connection Prisma uses, synchronously, so chaining never interleaves, and completed rows
// commit with synchronous=FULL (commitDurably), so a power cut cannot lose the row of a token already
// returned. Reading and verifying is audit-query.ts; retention is audit-retention.ts.
import { closeSync, fsyncSync, openSync } from 'node:fs';
import type { Statement } from 'better-sqlite3';
import { commitDurably, connectionOf, writeOutsideTransactions, type Connection, type Db } from '../db/client.js';
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

export class AuditWriter {
  private statements: { insert: Statement; last: Statement; complete: Statement; get: Statement } | undefined;
  /** Rows begun and not yet finished by this process, as written. */
  private readonly inFlight = new Map<number, Omit<AuditRow, 'seq' | 'outcome' | 'chainIndex' | 'prevHash' | 'hash' | 'bulkJobId'>>();
  /** The last completed row of the chain; re-read from the database after any failed write. */
  private chainTail: { chainIndex: number | bigint; hash: string } | undefined;
  private readonly queue: { write: () => unknown; durable: boolean; resolve: (value: unknown) => void; reject: (err: unknown) => void }[] =
    [];

  constructor(
    protected readonly db: Db,
    protected readonly now: () => number = Date.now,
    /** Told how long each batch's transaction took, and whether its commit synced the WAL (metrics). */
    private readonly onCommit: (synced: boolean, seconds: number) => void = () => {},
    /** Where a failure no caller can be told of goes (a row left pending, a sync that failed after the commit). */
    private readonly log: ServiceLog = NO_LOG,
  ) {}

  protected get connection(): Connection {
    return connectionOf(this.db);
  }

  private prepared() {
    const c = this.connection;
    this.statements ??= {
      insert: c.prepare(
        'INSERT INTO "AuditEvent" ("at", "actor", "actorId", "action", "target", "providerId", "outcome", "detail", "requestId", "ip", "bulkJobId") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      last: c.prepare('SELECT "chainIndex", "hash" FROM "AuditEvent" WHERE "chainIndex" IS NOT NULL ORDER BY "chainIndex" DESC LIMIT 1'),
      complete: c.prepare(
        'UPDATE "AuditEvent" SET "outcome" = ?, "detail" = ?, "chainIndex" = ?, "prevHash" = ?, "hash" = ? WHERE "seq" = ? AND "hash" IS NULL',
      ),
      get: c.prepare('SELECT * FROM "AuditEvent" WHERE "seq" = ?'),
    };
    return this.statements;
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
    return this.enqueue(
      () =>
        Number(
          this.prepared().insert.run(
            row.at,
            row.actor,
            row.actorId,
            row.action,
            row.target,
            row.providerId,
            'pending',
            row.detail,
            row.requestId,
            row.ip,
            bulkJobOf(input.detail),
          ).lastInsertRowid,
        ),
      // A pending row needs no sync of its own: the durable commit that completes it syncs the whole WAL,
      // this row included, before the action's result is returned.
      false,
      // Remembered only once committed: a rolled-back id may be given again to another row.
      (seq) => this.inFlight.set(seq, row),
    );
  }

  /**
   * Completes a row with its outcome (and more detail) and links it into the chain. The commit is synced
   * (synchronous=FULL) unless durable is false: then the caller must call syncNow() before the action's
   * result reaches anyone.
   */
  finish(seq: number, outcome: string, detail?: Record<string, unknown>, opts: { durable?: boolean } = {}): Promise<void> {
    return this.enqueue(() => this.completeRow(seq, outcome, detail), opts.durable ?? true);
  }

  /** Completes a row on the connection, in whatever transaction is open there; links it into the chain. */
  private completeRow(seq: number, outcome: string, detail?: Record<string, unknown>): void {
    const s = this.prepared();
    // The row as begin() wrote it; read back only if this process did not write it.
    const row = this.inFlight.get(seq) ?? (s.get.get(seq) as AuditRow | undefined);
    if (!row || ('hash' in row && row.hash !== null)) throw new Error(`audit row ${seq} is missing or already complete`);
    const merged = detail ? JSON.stringify({ ...(JSON.parse(row.detail) as object), ...detail }) : row.detail;
    this.chainTail ??= (s.last.get() as { chainIndex: number | bigint; hash: string } | undefined) ?? { chainIndex: 0, hash: GENESIS_HASH };
    const chainIndex = Number(this.chainTail.chainIndex) + 1;
    const prevHash = this.chainTail.hash;
    const hash = rowHash(prevHash, { ...row, seq, outcome, detail: merged, chainIndex });
    if (s.complete.run(outcome, merged, chainIndex, prevHash, hash, seq).changes !== 1)
      throw new Error(`audit row ${seq} could not be completed`);
    this.chainTail = { chainIndex, hash };
    this.inFlight.delete(seq);
  }

  /**
   * Makes every audit row committed so far durable: waits for queued writes, then syncs the WAL file,
   * which is what synchronous=FULL does at a commit.
   */
  async syncNow(): Promise<void> {
    await this.enqueue(() => undefined, false);
    const fd = openSync(`${this.connection.name}-wal`, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  /**
   * Group commit: writes asked for in the same turn of the event loop (a bulk job's workers, concurrent
   * requests) go to SQLite in one transaction. If that transaction fails, each write is retried alone so
   * one bad write cannot take the others down; a write that fails alone rejects with audit/unavailable.
   * A batch with a durable write (a completed row) commits with synchronous=FULL: one sync per batch.
   */
  private enqueue<T>(write: () => T, durable: boolean, committed?: (result: T) => void): Promise<T> {
    // A batch holds other requests' rows: it must never join one action's transaction (and so never be
    // asked for inside one; a database-only action's own row completes inside it, see around()).
    if (inUnitOfWork()) return Promise.reject(unavailable(new Error('an audit row was queued inside a unit of work')));
    return new Promise<T>((resolve, reject) => {
      const done = (value: unknown) => {
        committed?.(value as T);
        resolve(value as T);
      };
      this.queue.push({ write, durable, resolve: done, reject });
      if (this.queue.length === 1) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const c = this.connection;
    await writeOutsideTransactions(c, () => {
      const batch = this.queue.splice(0);
      const results: unknown[] = [];
      try {
        const all = () => {
          for (const op of batch) results.push(op.write());
        };
        const durable = batch.some((op) => op.durable);
        const started = performance.now();
        if (durable) commitDurably(c, all);
        else c.transaction(all)();
        this.onCommit(durable, (performance.now() - started) / 1000);
        batch.forEach((op, i) => op.resolve(results[i]));
      } catch {
        // The batch rolled back: the chain tail its writes set in memory is not on disk. Each write is
        // retried alone; one that commits leaves the right tail, one that fails forgets it again.
        this.chainTail = undefined;
        for (const op of batch) {
          try {
            op.resolve(op.durable ? commitDurably(c, op.write) : c.transaction(op.write)());
          } catch (err) {
            this.chainTail = undefined;
            op.reject(unavailable(err));
          }
        }
      }
    }).catch((err: unknown) => {
      for (const op of this.queue.splice(0)) op.reject(unavailable(err));
    });
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
    let completedInTransaction = false;
    let result: T;
    try {
      result = await unitOfWork(this.db, async () => {
        const value = await act();
        try {
          this.completeRow(seq, 'ok', after?.(value));
        } catch (err) {
          // The action's writes roll back with it: "nothing was done" is the truth.
          throw unavailable(err);
        }
        completedInTransaction = true;
        return value;
      });
    } catch (err) {
      // Rolled back: a completion made in the transaction is not on disk, nor the chain tail it set.
      if (completedInTransaction) this.chainTail = undefined;
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
