// The audit log as the rest of the console uses it: the writer (audit-writer.ts: rows before actions, the
// hash chain, group commit) plus reading, verifying (audit-query.ts) and retention (audit-retention.ts).
import { sqlOf, type Db } from '../db/client.js';
import { AuditWriter } from './audit-writer.js';
import { iterateRows, listRows, verifyChain, type AuditQuery, type ChainReport, type ListedRow } from './audit-query.js';
import { AuditRetention } from './audit-retention.js';
import type { AuditRow } from './audit-rows.js';
import type { ServiceLog } from './service-log.js';

export { GENESIS_HASH, rowHash, storedDate, type AuditInput, type AuditRow } from './audit-rows.js';
export { doneButUnaudited } from './audit-writer.js';
export { DEFAULT_RETENTION_DAYS } from './audit-retention.js';
export type { AuditQuery, BulkGroup, ChainReport, ListedRow } from './audit-query.js';

export class AuditService extends AuditWriter {
  private readonly retention: AuditRetention;

  constructor(db: Db, now: () => number = Date.now, onCommit?: (synced: boolean, seconds: number) => void, log?: ServiceLog) {
    super(db, now, onCommit, log);
    this.retention = new AuditRetention(db, this, now);
  }

  list(query: AuditQuery): Promise<ListedRow[]> {
    return listRows(sqlOf(this.db), query);
  }

  /** Every matching row, oldest first, for CSV export. */
  iterate(query: AuditQuery): AsyncGenerator<AuditRow> {
    return iterateRows(sqlOf(this.db), query);
  }

  /** Recomputes the chain over every completed row. */
  verify(): Promise<ChainReport> {
    return verifyChain(sqlOf(this.db));
  }

  retentionDays(): Promise<number> {
    return this.retention.days();
  }

  setRetentionDays(days: number): Promise<void> {
    return this.retention.setDays(days);
  }

  /** Drops completed rows older than the retention period, from the start of the chain only. */
  purge(): Promise<number> {
    return this.retention.purge();
  }
}
