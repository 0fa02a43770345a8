// Reading the audit log: filtered pages (newest first), every matching row for the CSV export, and the
// chain's verification. Reads only; the writer is audit-writer.ts.
import type { AuditVerification } from '../contract/audit.js';
import type { Connection } from '../db/client.js';
import { GENESIS_HASH, normalise, rowHash, storedDate, type AuditRow } from './audit-rows.js';

export interface AuditQuery {
  /** Text filters: a part of the value, in any case. */
  actor?: string | undefined;
  action?: string | undefined;
  providerId?: string | undefined;
  outcome?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  /** Rows whose detail names this bulk job (its start, tokens, cancel, downloads). */
  jobId?: string | undefined;
  /** 'bulk': a bulk job's token rows come as one row, its newest, with the job's counts (listRows only). */
  group?: 'bulk' | undefined;
  /** Rows with seq below this (paging, newest first). */
  before?: number | undefined;
  limit?: number | undefined;
}

/** What verifying the chain found; `anchoredAt` is the chainIndex of the first row after retention removed older ones. */
export type ChainReport = AuditVerification;

/** A bulk job's token rows, as one listed row stands for them (group: 'bulk'). */
export interface BulkGroup {
  jobId: string;
  rows: number;
  ok: number;
  failed: number;
  /** Mints still waiting for their upstream's answer. */
  pending: number;
  firstAt: string;
}

export type ListedRow = AuditRow & { bulkGroup?: BulkGroup };

/** LIKE's own characters taken literally, for a "contains" match (ESCAPE '\'). */
export function likeContains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The job a bulk mint's row belongs to, as SQL (null for every other row). */
const BULK_JOB = `CASE WHEN "action" = 'token.minted' AND json_extract("detail", '$.via') = 'bulk' THEN json_extract("detail", '$.jobId') END`;

function filters(query: AuditQuery): { where: string[]; args: unknown[] } {
  const where: string[] = [];
  const args: unknown[] = [];
  const eq = (column: string, value: string | undefined) => {
    if (value === undefined) return;
    where.push(`"${column}" = ?`);
    args.push(value);
  };
  // Text is matched as a part, case-insensitively (SQLite's LIKE folds ASCII). No index serves "%x%", but a
  // page is read newest first along the primary key and stops once it is full, so a common filter is cheap.
  const contains = (column: string, value: string | undefined) => {
    if (value === undefined) return;
    where.push(`"${column}" LIKE ? ESCAPE '\\'`);
    args.push(likeContains(value));
  };
  contains('actor', query.actor);
  contains('action', query.action);
  eq('providerId', query.providerId);
  contains('outcome', query.outcome);
  if (query.jobId) {
    where.push(`json_extract("detail", '$.jobId') = ?`);
    args.push(query.jobId);
  }
  if (query.from) {
    where.push('"at" >= ?');
    args.push(storedDate(Date.parse(query.from)));
  }
  if (query.to) {
    where.push('"at" <= ?');
    args.push(storedDate(Date.parse(query.to)));
  }
  return { where, args };
}

/** One page of matching rows, newest first. */
export function listRows(c: Connection, query: AuditQuery): ListedRow[] {
  if (query.group === 'bulk') return listGrouped(c, query);
  const { where, args } = filters(query);
  if (query.before !== undefined) {
    where.push('"seq" < ?');
    args.push(query.before);
  }
  const sql = `SELECT * FROM "AuditEvent" ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY "seq" DESC LIMIT ?`;
  return (c.prepare(sql).all(...args, query.limit ?? 100) as AuditRow[]).map(normalise);
}

interface GroupedRaw extends AuditRow {
  bulkJob: string | null;
  groupRows: number | bigint | null;
  groupOk: number | bigint | null;
  groupPending: number | bigint | null;
  groupFirstAt: string | null;
}

/**
 * A page where each bulk job's matching token rows are one row: the newest, carrying the job's counts. The
 * groups are counted over every matching row (not the page), so a job is on one page however it is paged.
 */
function listGrouped(c: Connection, query: AuditQuery): ListedRow[] {
  const { where, args } = filters(query);
  const page: string[] = [];
  const pageArgs: unknown[] = [];
  if (query.before !== undefined) {
    page.push('m."seq" < ?');
    pageArgs.push(query.before);
  }
  const sql = `WITH m AS (SELECT *, ${BULK_JOB} AS "bulkJob" FROM "AuditEvent" ${where.length ? `WHERE ${where.join(' AND ')}` : ''}),
    g AS (SELECT "bulkJob", MAX("seq") AS "top", COUNT(*) AS "n", SUM("outcome" = 'ok') AS "ok",
      SUM("outcome" = 'pending') AS "pending", MIN("at") AS "firstAt" FROM m WHERE "bulkJob" IS NOT NULL GROUP BY "bulkJob")
    SELECT m.*, g."n" AS "groupRows", g."ok" AS "groupOk", g."pending" AS "groupPending", g."firstAt" AS "groupFirstAt"
    FROM m LEFT JOIN g ON g."bulkJob" = m."bulkJob"
    WHERE (m."bulkJob" IS NULL OR m."seq" = g."top") ${page.map((p) => `AND ${p}`).join(' ')}
    ORDER BY m."seq" DESC LIMIT ?`;
  const raw = c.prepare(sql).all(...args, ...pageArgs, query.limit ?? 100) as GroupedRaw[];
  return raw.map(({ bulkJob, groupRows, groupOk, groupPending, groupFirstAt, ...row }) => {
    const listed: ListedRow = normalise(row);
    if (bulkJob === null || groupRows === null) return listed;
    const rows = Number(groupRows);
    const ok = Number(groupOk ?? 0);
    const pending = Number(groupPending ?? 0);
    return { ...listed, bulkGroup: { jobId: bulkJob, rows, ok, pending, failed: rows - ok - pending, firstAt: groupFirstAt ?? row.at } };
  });
}

/** Every matching row, oldest first, for CSV export. */
export function* iterateRows(c: Connection, query: AuditQuery): Generator<AuditRow> {
  const { where, args } = filters(query);
  const sql = `SELECT * FROM "AuditEvent" ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY "seq"`;
  for (const row of c.prepare(sql).iterate(...args)) yield normalise(row as AuditRow);
}

/** Recomputes the chain over every completed row. */
export function verifyChain(c: Connection): ChainReport {
  const rows = c.prepare('SELECT * FROM "AuditEvent" WHERE "chainIndex" IS NOT NULL ORDER BY "chainIndex"').iterate();
  let checked = 0;
  let previous: { index: number; hash: string } | null = null;
  let anchoredAt: number | null = null;
  const broken = (index: number, problem: string, pendingCount: number): ChainReport => ({
    ok: false,
    checked,
    pending: pendingCount,
    anchoredAt,
    brokenAt: index,
    problem,
  });
  const pending = Number((c.prepare('SELECT COUNT(*) AS n FROM "AuditEvent" WHERE "hash" IS NULL').get() as { n: number | bigint }).n);
  for (const raw of rows) {
    const row = normalise(raw as AuditRow);
    const index = row.chainIndex!;
    if (previous === null) {
      if (index !== 1) anchoredAt = index;
      else if (row.prevHash !== GENESIS_HASH) return broken(index, 'the first row does not start from the genesis hash', pending);
    } else {
      if (index !== previous.index + 1) return broken(index, `row ${previous.index + 1} of the chain is missing`, pending);
      if (row.prevHash !== previous.hash) return broken(index, 'the row does not link to the one before it', pending);
    }
    if (rowHash(row.prevHash!, row) !== row.hash) return broken(index, 'the row was changed after it was written', pending);
    previous = { index, hash: row.hash! };
    checked++;
  }
  return { ok: true, checked, pending, anchoredAt, brokenAt: null, problem: null };
}
