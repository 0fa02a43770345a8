// Reading the audit log: filtered pages (newest first), every matching row for the CSV export, and the
// chain's verification. Reads only; the writer is audit-writer.ts.
import type { AuditVerification } from '../contract/audit.js';
import type { Connection } from '../db/client.js';
import { GENESIS_HASH, normalise, rowHash, storedDate, type AuditRow } from './audit-rows.js';

export interface AuditQuery {
  actor?: string | undefined;
  action?: string | undefined;
  providerId?: string | undefined;
  outcome?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  /** Rows with seq below this (paging, newest first). */
  before?: number | undefined;
  limit?: number | undefined;
}

/** What verifying the chain found; `anchoredAt` is the chainIndex of the first row after retention removed older ones. */
export type ChainReport = AuditVerification;

function filters(query: AuditQuery): { where: string[]; args: unknown[] } {
  const where: string[] = [];
  const args: unknown[] = [];
  const eq = (column: string, value: string | undefined) => {
    if (value === undefined) return;
    where.push(`"${column}" = ?`);
    args.push(value);
  };
  eq('actor', query.actor);
  eq('action', query.action);
  eq('providerId', query.providerId);
  eq('outcome', query.outcome);
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
export function listRows(c: Connection, query: AuditQuery): AuditRow[] {
  const { where, args } = filters(query);
  if (query.before !== undefined) {
    where.push('"seq" < ?');
    args.push(query.before);
  }
  const sql = `SELECT * FROM "AuditEvent" ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY "seq" DESC LIMIT ?`;
  return (c.prepare(sql).all(...args, query.limit ?? 100) as AuditRow[]).map(normalise);
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
