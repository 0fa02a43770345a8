// Reading the audit log: filtered pages (newest first), every matching row for the CSV export, and the
// chain's verification. Reads only; the writer is audit-writer.ts.
import type { AuditVerification } from '../contract/audit.js';
import type { Sql, SqlValue } from '../db/sql.js';
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

/** The action of the rows a bulk job's group stands for: its tokens (its start, cancel and downloads stay rows). */
const GROUPED_ACTION = 'token.minted';
/** Rows read at a time while a grouped page is filled, an export or a verification runs. */
const CHUNK = 500;

function filters(sql: Sql, query: AuditQuery): { where: string[]; args: SqlValue[] } {
  const where: string[] = [];
  const args: SqlValue[] = [];
  const eq = (column: string, value: string | undefined) => {
    if (value === undefined) return;
    where.push(`"${column}" = ?`);
    args.push(value);
  };
  // Text is matched as a part, case-insensitively. No index serves "%x%", but a page is read newest first
  // along the primary key and stops once it is full, so a common filter is cheap.
  const contains = (column: string, value: string | undefined) => {
    if (value === undefined) return;
    where.push(`"${column}" ${sql.dialect.likeAnyCase} ? ESCAPE '\\'`);
    args.push(likeContains(value));
  };
  contains('actor', query.actor);
  contains('action', query.action);
  eq('providerId', query.providerId);
  contains('outcome', query.outcome);
  if (query.jobId) {
    where.push('"bulkJobId" = ?');
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

/**
 * Rows below a seq. The bound is compared as a 64-bit integer: PostgreSQL's seq is a 32-bit serial, and a bound
 * past its range (a `before` of up to 16 digits, or the first grouped page's "no bound") would fail to convert.
 */
const SEQ_BELOW = '"seq" < CAST(? AS BIGINT)';

/** One page of matching rows, newest first. */
export async function listRows(sql: Sql, query: AuditQuery): Promise<ListedRow[]> {
  if (query.group === 'bulk') return listGrouped(sql, query);
  const { where, args } = filters(sql, query);
  if (query.before !== undefined) {
    where.push(SEQ_BELOW);
    args.push(query.before);
  }
  const text = `SELECT * FROM "AuditEvent" ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY "seq" DESC LIMIT ?`;
  return (await sql.all<AuditRow>(text, [...args, query.limit ?? 100])).map(normalise);
}

interface GroupCounts {
  top: number | bigint | null;
  n: number | bigint;
  ok: number | bigint | null;
  pending: number | bigint | null;
  firstAt: string | null;
}

/**
 * A page where each bulk job's matching token rows are one row: the newest, carrying the job's counts over
 * every matching row (found through the bulkJobId index), so a job is on one page however it is paged. The
 * page is read newest first in chunks and stops once full; a job's other rows are skipped on the way.
 */
async function listGrouped(sql: Sql, query: AuditQuery): Promise<ListedRow[]> {
  const { where, args } = filters(sql, query);
  const limit = query.limit ?? 100;
  const page = `SELECT * FROM "AuditEvent" WHERE ${[...where, SEQ_BELOW].join(' AND ')} ORDER BY "seq" DESC LIMIT ${CHUNK}`;
  const counts = `SELECT MAX("seq") AS "top", COUNT(*) AS "n", SUM(CASE WHEN "outcome" = 'ok' THEN 1 ELSE 0 END) AS "ok",
      SUM(CASE WHEN "outcome" = 'pending' THEN 1 ELSE 0 END) AS "pending", MIN("at") AS "firstAt"
      FROM "AuditEvent" WHERE ${[...where, '"bulkJobId" = ?', '"action" = ?'].join(' AND ')}`;
  const out: ListedRow[] = [];
  const seen = new Set<string>();
  let cursor = query.before ?? Number.MAX_SAFE_INTEGER;
  for (;;) {
    const chunk = (await sql.all<AuditRow>(page, [...args, cursor])).map(normalise);
    for (const row of chunk) {
      const job = row.action === GROUPED_ACTION ? row.bulkJobId : null;
      if (job === null) out.push(row);
      else if (!seen.has(job)) {
        seen.add(job);
        const g = (await sql.get<GroupCounts>(counts, [...args, job, GROUPED_ACTION]))!;
        // Its newest matching row is above this page's start: the job was on an earlier page.
        if (Number(g.top) === row.seq) out.push({ ...row, bulkGroup: groupOf(job, g, row.at) });
      }
      if (out.length === limit) return out;
    }
    if (chunk.length < CHUNK) return out;
    cursor = chunk[chunk.length - 1]!.seq;
  }
}

function groupOf(jobId: string, g: GroupCounts, at: string): BulkGroup {
  const rows = Number(g.n);
  const ok = Number(g.ok ?? 0);
  const pending = Number(g.pending ?? 0);
  return { jobId, rows, ok, pending, failed: rows - ok - pending, firstAt: g.firstAt ?? at };
}

/** Rows in `order` ascending from `after`, CHUNK at a time (keyset paging: no statement stays open). */
async function* ascending(sql: Sql, order: 'seq' | 'chainIndex', where: string[], args: SqlValue[]): AsyncGenerator<AuditRow> {
  let after = 0;
  for (;;) {
    const chunk = await sql.all<AuditRow>(
      `SELECT * FROM "AuditEvent" WHERE ${[...where, `"${order}" > ?`].join(' AND ')} ORDER BY "${order}" LIMIT ${CHUNK}`,
      [...args, after],
    );
    for (const raw of chunk) yield normalise(raw);
    if (chunk.length < CHUNK) return;
    after = Number(chunk[chunk.length - 1]![order]);
  }
}

/** Every matching row, oldest first, for CSV export. */
export function iterateRows(sql: Sql, query: AuditQuery): AsyncGenerator<AuditRow> {
  const { where, args } = filters(sql, query);
  return ascending(sql, 'seq', where, args);
}

/** Recomputes the chain over every completed row. */
export async function verifyChain(sql: Sql): Promise<ChainReport> {
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
  const pending = Number((await sql.get<{ n: number | bigint }>('SELECT COUNT(*) AS "n" FROM "AuditEvent" WHERE "hash" IS NULL'))!.n);
  for await (const row of ascending(sql, 'chainIndex', ['"chainIndex" IS NOT NULL'], [])) {
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
