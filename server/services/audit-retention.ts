// How long the audit log keeps completed rows (a setting, changed under its own audit row), and the purge
// that drops older rows from the start of the chain only, so what is left is still one unbroken chain
// (verifyChain anchors it at its first row).
import { writeOutsideTransactions, connectionOf, type Db } from '../db/client.js';
import { storedDate } from './audit-rows.js';
import type { AuditWriter } from './audit-writer.js';

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
    const c = connectionOf(this.db);
    const removed = await writeOutsideTransactions(c, () => {
      const edge = c.prepare('SELECT MAX("chainIndex") AS i FROM "AuditEvent" WHERE "chainIndex" IS NOT NULL AND "at" < ?').get(cutoff) as {
        i: number | bigint | null;
      };
      if (edge.i === null) return 0;
      return c.prepare('DELETE FROM "AuditEvent" WHERE "chainIndex" <= ?').run(edge.i).changes;
    });
    if (removed > 0) await this.writer.record({ action: 'audit.purged', outcome: 'ok', detail: { removed, retentionDays: days } });
    return removed;
  }
}
