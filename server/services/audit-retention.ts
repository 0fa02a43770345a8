// How long the audit log keeps completed rows (a setting, changed under its own audit row), and the purge
// that drops older rows from the start of the chain only, so what is left is still one unbroken chain
// (verifyChain anchors it at its first row).
import { sqlOf, type Db } from '../db/client.js';
import { storedDate } from './audit-rows.js';
import { CHAIN_LOCK, type AuditWriter } from './audit-writer.js';

export const DEFAULT_RETENTION_DAYS = 365;
const RETENTION_KEY = 'audit.retentionDays';

export class AuditRetention {
  constructor(
    private readonly db: Db,
    private readonly writer: AuditWriter,
    private readonly now: () => number,
  ) {}

  async days(): Promise<number> {
    const row = await this.db.setting.findUnique({ where: { key: RETENTION_KEY } });
    return row ? Number(row.value) : DEFAULT_RETENTION_DAYS;
  }

  async setDays(days: number): Promise<void> {
    const before = await this.days();
    await this.writer.around({ action: 'audit.retention_changed', detail: { before, after: days } }, () =>
      this.db.setting.upsert({
        where: { key: RETENTION_KEY },
        create: { key: RETENTION_KEY, value: String(days) },
        update: { value: String(days) },
      }),
    );
  }

  /** Drops completed rows older than the retention period; the number dropped (audited when not 0). */
  async purge(): Promise<number> {
    const days = await this.days();
    if (days <= 0) return 0;
    const cutoff = storedDate(this.now() - days * 86_400_000);
    // Under the chain lock: no row is linked to the start while it goes.
    const removed = await sqlOf(this.db).transaction(
      async (tx) => {
        const edge = await tx.get<{ i: number | bigint | null }>(
          'SELECT MAX("chainIndex") AS "i" FROM "AuditEvent" WHERE "chainIndex" IS NOT NULL AND "at" < ?',
          [cutoff],
        );
        if (edge?.i === null || edge?.i === undefined) return 0;
        return tx.run('DELETE FROM "AuditEvent" WHERE "chainIndex" <= ?', [edge.i]);
      },
      { locks: [CHAIN_LOCK] },
    );
    if (removed > 0) await this.writer.record({ action: 'audit.purged', outcome: 'ok', detail: { removed, retentionDays: days } });
    return removed;
  }
}
