// The audit log's row format and hash chain, shared by the writer (audit-writer.ts) and the reader that
// verifies it (audit-query.ts): one definition of what a row's hash covers.
import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditInput {
  action: string;
  target?: string | null | undefined;
  providerId?: string | null | undefined;
  detail?: Record<string, unknown> | undefined;
}

export interface AuditRow {
  seq: number;
  at: string;
  actor: string;
  actorId: string | null;
  action: string;
  target: string | null;
  providerId: string | null;
  outcome: string;
  detail: string;
  requestId: string | null;
  ip: string | null;
  chainIndex: number | null;
  prevHash: string | null;
  hash: string | null;
  /** The bulk job the row is about, copied from its detail's jobId to be found by index; not hashed (the detail is). */
  bulkJobId: string | null;
}

/** The bulk job a row's detail names (bulk.started, its tokens, its cancel and downloads), or null. */
export function bulkJobOf(detail: Record<string, unknown> | undefined): string | null {
  return typeof detail?.jobId === 'string' ? detail.jobId : null;
}

/** What one completed row's hash covers, in a fixed order (bulkJobId is not in it: it repeats the detail's jobId). */
export function rowHash(prevHash: string, row: Omit<AuditRow, 'prevHash' | 'hash' | 'bulkJobId'>): string {
  const fields = [
    row.chainIndex,
    row.seq,
    row.at,
    row.actor,
    row.actorId,
    row.action,
    row.target,
    row.providerId,
    row.outcome,
    row.detail,
    row.requestId,
    row.ip,
  ];
  return createHash('sha256').update(prevHash).update('\n').update(JSON.stringify(fields)).digest('hex');
}

export { storedDate } from '../db/stored-date.js';

/** A row as SQLite returns it (integers may be bigint) with numbers where the type says so. */
export function normalise(row: AuditRow): AuditRow {
  return { ...row, seq: Number(row.seq), chainIndex: row.chainIndex === null ? null : Number(row.chainIndex) };
}
