// Bulk jobs in the database, so every replica sees the same jobs: the runner inserts a job (counting its
// owner's running jobs under a lock, so two replicas cannot both start one past the limit), writes its
// progress with a heartbeat and learns of a cancel asked for elsewhere; any replica reads jobs and their
// results; a running job whose heartbeat stopped (its process died) is marked failed by whoever sees it.
// Result lines hold tokens: they are sealed with the master key, bound to their job and row.
import { sqlOf, type Db } from '../db/client.js';
import type { Sql, SqlRunner, SqlValue } from '../db/sql.js';
import { aadFor, open, seal, type MasterKey } from '../crypto/secret-box.js';
import type { BulkJobView } from '../contract/bulk.js';
import type { ResultLine } from './bulk-job.js';

/** A job as every replica knows it (the runner's in-memory Job has the same fields, fresher). */
export interface JobRecord {
  id: string;
  provider: { id: string; name: string; label: string };
  owner: { id: string; email: string };
  total: number;
  concurrency: number;
  state: BulkJobView['state'];
  done: number;
  ok: number;
  failed: number;
  failures: BulkJobView['failures'];
  stopReason: string | null;
  startedAt: number;
  finishedAt: number | null;
  resultsKept: boolean;
}

interface Row {
  id: string;
  providerId: string;
  providerName: string;
  providerLabel: string;
  ownerId: string;
  ownerEmail: string;
  total: number | bigint;
  concurrency: number | bigint;
  state: string;
  done: number | bigint;
  ok: number | bigint;
  failed: number | bigint;
  failures: string;
  stopReason: string | null;
  startedAt: number | bigint;
  finishedAt: number | bigint | null;
  resultsKept: boolean | number | bigint;
}

const toRecord = (r: Row): JobRecord => ({
  id: r.id,
  provider: { id: r.providerId, name: r.providerName, label: r.providerLabel },
  owner: { id: r.ownerId, email: r.ownerEmail },
  total: Number(r.total),
  concurrency: Number(r.concurrency),
  state: r.state as BulkJobView['state'],
  done: Number(r.done),
  ok: Number(r.ok),
  failed: Number(r.failed),
  failures: JSON.parse(r.failures) as BulkJobView['failures'],
  stopReason: r.stopReason,
  startedAt: Number(r.startedAt),
  finishedAt: r.finishedAt === null ? null : Number(r.finishedAt),
  resultsKept: Boolean(Number(r.resultsKept)),
});

const COLUMNS =
  '"id", "providerId", "providerName", "providerLabel", "ownerId", "ownerEmail", "total", "concurrency", "state", "done", "ok", "failed", "failures", "stopReason", "startedAt", "finishedAt", "resultsKept"';
const resultAad = (jobId: string, row: number) => aadFor('bulk_result', `${jobId}:${row}`, 'line');
/** Result rows read at a time for a download, and written per statement (3 parameters each: far below SQLite's limit). */
const CHUNK = 500;

/** How many jobs of an owner are running. */
async function runningOf(sql: SqlRunner, ownerId: string): Promise<number> {
  const row = await sql.get<{ n: number | bigint }>('SELECT COUNT(*) AS "n" FROM "BulkJob" WHERE "ownerId" = ? AND "state" = ?', [
    ownerId,
    'running',
  ]);
  return Number(row?.n ?? 0);
}

export class BulkStore {
  constructor(
    private readonly db: Db,
    private readonly keys: readonly MasterKey[],
  ) {}

  private get sql(): Sql {
    return sqlOf(this.db);
  }

  /**
   * Inserts a job run by `runner` unless its owner already runs `limit` jobs (then calls `tooMany` with the
   * count, which throws): counted and inserted under the owner's lock.
   */
  async insert(job: JobRecord, runner: string, now: number, limit: number, tooMany: (running: number) => never): Promise<void> {
    await this.sql.transaction(
      async (tx) => {
        const running = await runningOf(tx, job.owner.id);
        if (running >= limit) tooMany(running);
        await tx.run(
          `INSERT INTO "BulkJob" (${COLUMNS}, "runner", "heartbeatAt") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [...this.values(job), runner, now],
        );
      },
      { locks: [`bulk-start:${job.owner.id}`] },
    );
  }

  private values(job: JobRecord): SqlValue[] {
    return [
      job.id,
      job.provider.id,
      job.provider.name,
      job.provider.label,
      job.owner.id,
      job.owner.email,
      job.total,
      job.concurrency,
      job.state,
      job.done,
      job.ok,
      job.failed,
      JSON.stringify(job.failures),
      job.stopReason,
      job.startedAt,
      job.finishedAt,
      job.resultsKept,
    ];
  }

  /** The runner's progress and heartbeat; returns the cancel asked for on any replica, if any. */
  async progress(job: JobRecord, now: number): Promise<string | null> {
    const row = await this.sql.get<{ cancelRequest: string | null }>(
      `UPDATE "BulkJob" SET "state" = ?, "done" = ?, "ok" = ?, "failed" = ?, "failures" = ?, "stopReason" = ?, "finishedAt" = ?, "heartbeatAt" = ?
       WHERE "id" = ? RETURNING "cancelRequest"`,
      [job.state, job.done, job.ok, job.failed, JSON.stringify(job.failures), job.stopReason, job.finishedAt, now, job.id],
    );
    return row?.cancelRequest ?? null;
  }

  /** Asks the job's runner to stop it (any replica); whether it was still running. */
  async requestCancel(id: string, reason: string): Promise<boolean> {
    return (
      (await this.sql.run('UPDATE "BulkJob" SET "cancelRequest" = ? WHERE "id" = ? AND "state" = ? AND "cancelRequest" IS NULL', [
        reason,
        id,
        'running',
      ])) > 0
    );
  }

  async get(id: string): Promise<JobRecord | null> {
    const row = await this.sql.get<Row>(`SELECT ${COLUMNS} FROM "BulkJob" WHERE "id" = ?`, [id]);
    return row ? toRecord(row) : null;
  }

  /** Jobs newest first: an owner's, or everyone's (null), on a provider or all, at most `limit`. */
  async list(ownerId: string | null, providerId: string | undefined, limit: number): Promise<JobRecord[]> {
    const where: string[] = [];
    const args: SqlValue[] = [];
    if (ownerId !== null) {
      where.push('"ownerId" = ?');
      args.push(ownerId);
    }
    if (providerId !== undefined) {
      where.push('"providerId" = ?');
      args.push(providerId);
    }
    const rows = await this.sql.all<Row>(
      `SELECT ${COLUMNS} FROM "BulkJob" ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY "startedAt" DESC, "id" LIMIT ?`,
      [...args, limit],
    );
    return rows.map(toRecord);
  }

  runningCount(ownerId: string): Promise<number> {
    return runningOf(this.sql, ownerId);
  }

  /**
   * Running jobs whose runner has not beaten since `before`, or whose runner's id starts with `runnerPrefix`
   * (an earlier process of this replica), end failed: their process stopped. Those jobs.
   */
  async failOrphans(before: number, now: number, reason: string, runnerPrefix?: string): Promise<JobRecord[]> {
    const rows = await this.sql.all<Row>(
      `UPDATE "BulkJob" SET "state" = ?, "stopReason" = ?, "finishedAt" = ?
       WHERE "state" = ? AND ("heartbeatAt" < ?${runnerPrefix ? ' OR substr("runner", 1, ?) = ?' : ''}) RETURNING ${COLUMNS}`,
      ['failed', reason, now, 'running', before, ...(runnerPrefix ? [runnerPrefix.length, runnerPrefix] : [])],
    );
    return rows.map(toRecord);
  }

  /** Deletes the results of jobs that ended before `endedBefore`; the ids of the jobs. */
  async expireResults(endedBefore: number): Promise<string[]> {
    return this.sql.transaction(async (tx) => {
      const rows = await tx.all<{ id: string }>(
        'UPDATE "BulkJob" SET "resultsKept" = ? WHERE "resultsKept" = ? AND "finishedAt" IS NOT NULL AND "finishedAt" <= ? RETURNING "id"',
        [false, true, endedBefore],
      );
      for (const { id } of rows) await tx.run('DELETE FROM "BulkResult" WHERE "jobId" = ?', [id]);
      return rows.map((r) => r.id);
    });
  }

  /** Forgets the oldest ended jobs beyond the newest `keep` (running ones never). */
  async trim(keep: number): Promise<void> {
    await this.sql.transaction(async (tx) => {
      const old = await tx.all<{ id: string }>(
        `SELECT "id" FROM "BulkJob" WHERE "state" <> ? AND "id" NOT IN (SELECT "id" FROM "BulkJob" ORDER BY "startedAt" DESC, "id" LIMIT ?)`,
        ['running', keep],
      );
      for (const { id } of old) {
        await tx.run('DELETE FROM "BulkResult" WHERE "jobId" = ?', [id]);
        await tx.run('DELETE FROM "BulkJob" WHERE "id" = ?', [id]);
      }
    });
  }

  /** Appends result lines, all in one transaction: one INSERT per CHUNK lines, not one per line. */
  async appendResults(jobId: string, lines: readonly ResultLine[]): Promise<void> {
    const key = this.keys[0]!;
    await this.sql.transaction(async (tx) => {
      for (let i = 0; i < lines.length; i += CHUNK) {
        const chunk = lines.slice(i, i + CHUNK);
        await tx.run(
          `INSERT INTO "BulkResult" ("jobId", "row", "sealed") VALUES ${chunk.map(() => '(?, ?, ?)').join(', ')}`,
          chunk.flatMap((line) => [jobId, line.row, seal(JSON.stringify(line), key, resultAad(jobId, line.row))]),
        );
      }
    });
  }

  /** The job's result lines in row order, read a chunk at a time. */
  async *results(jobId: string): AsyncGenerator<ResultLine> {
    let after = 0;
    for (;;) {
      const rows = await this.sql.all<{ row: number | bigint; sealed: string }>(
        `SELECT "row", "sealed" FROM "BulkResult" WHERE "jobId" = ? AND "row" > ? ORDER BY "row" LIMIT ${CHUNK}`,
        [jobId, after],
      );
      for (const r of rows) yield JSON.parse(open(r.sealed, this.keys, resultAad(jobId, Number(r.row)))) as ResultLine;
      if (rows.length < CHUNK) return;
      after = Number(rows[rows.length - 1]!.row);
    }
  }
}
