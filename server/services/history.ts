// What was minted through the Playground: provider, params, jti, sub, exp, when, outcome. The token itself
// is kept only when asked, sealed like a secret, and only until it expires.
import { randomUUID } from 'node:crypto';
import { sqlOf, type Db } from '../db/client.js';
import { storedDate } from '../db/stored-date.js';
import type { SqlValue } from '../db/sql.js';
import type { MintRecord } from '../db/models.js';
import { aadFor, open, seal, type MasterKey } from '../crypto/secret-box.js';
import type { TokenRequestBody } from '../frame/token-body.js';
import { DomainError } from '../errors.js';
import type { HistoryEntry } from '../contract/history.js';

const TABLE = 'mint_record';

export interface MintRecordInput {
  providerId: string;
  providerName: string;
  /** Who minted: a user's email or key:<name>. */
  actor: string;
  params: TokenRequestBody;
  outcome: string;
  latencyMs: number;
  claims?: Record<string, unknown> | undefined;
  token?: string | undefined;
  keepToken: boolean;
}

const INSERT =
  'INSERT INTO "MintRecord" ("id", "providerId", "providerName", "actor", "params", "jti", "sub", "exp", "outcome", "latencyMs", "tokenSealed", "createdAt") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';

export class HistoryService {
  /** Rows not yet written: a mint answers without waiting for its history row. */
  private readonly queue: SqlValue[][] = [];
  private writing: Promise<void> | null = null;

  constructor(
    private readonly db: Db,
    private readonly keys: readonly MasterKey[],
    private readonly now: () => number = Date.now,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  /** Records a mint in the background and returns its id at once; readers wait for pending rows (flush). */
  record(input: MintRecordInput): string {
    const id = randomUUID();
    this.queue.push(this.row(id, input));
    // Rows that arrive together are written together: one statement, one transaction.
    this.writing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.writeQueued());
    return id;
  }

  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async writeQueued(): Promise<void> {
    const rows = this.queue.splice(0, 500);
    try {
      await this.insertRows(rows);
    } catch {
      // One bad row must not lose the others; a provider deleted meanwhile leaves its rows without the link.
      for (const row of rows) {
        await this.insertRows([row])
          .catch(() => this.insertRows([row.map((v, i) => (i === 1 ? null : v))]))
          .catch(this.onError);
      }
    }
    this.writing = this.queue.length ? this.writeQueued() : null;
  }

  /**
   * With the console's own SQL, all rows in one transaction: Prisma's query planning costs more than the
   * write itself. Dates are stored as the adapter stores them.
   */
  private async insertRows(rows: SqlValue[][]): Promise<void> {
    await sqlOf(this.db).transaction(async (tx) => {
      for (const row of rows) await tx.run(INSERT, row);
    });
  }

  private row(id: string, input: MintRecordInput): SqlValue[] {
    const { claims } = input;
    const exp = typeof claims?.exp === 'number' ? new Date(claims.exp * 1000) : null;
    const keep = input.keepToken && input.token !== undefined && exp !== null && exp.getTime() > this.now();
    const tokenSealed = keep ? seal(input.token!, this.keys[0]!, aadFor(TABLE, id, 'token')) : null;
    return [
      id,
      input.providerId,
      input.providerName,
      input.actor,
      JSON.stringify(input.params),
      typeof claims?.jti === 'string' ? claims.jti : null,
      typeof claims?.sub === 'string' ? claims.sub : null,
      exp ? storedDate(exp.getTime()) : null,
      input.outcome,
      input.latencyMs,
      tokenSealed,
      storedDate(this.now()),
    ];
  }

  private view(row: MintRecord): HistoryEntry {
    const live = row.tokenSealed !== null && row.exp !== null && row.exp.getTime() > this.now();
    return {
      id: row.id,
      providerId: row.providerId,
      providerName: row.providerName,
      actor: row.actor,
      params: JSON.parse(row.params) as TokenRequestBody,
      jti: row.jti,
      sub: row.sub,
      exp: row.exp?.toISOString() ?? null,
      outcome: row.outcome,
      latencyMs: row.latencyMs,
      tokenKept: live,
      createdAt: row.createdAt.toISOString(),
    };
  }

  async list(query: {
    actor: string;
    providerId?: string | undefined;
    limit?: number | undefined;
    before?: string | undefined;
  }): Promise<HistoryEntry[]> {
    await this.flush();
    await this.purgeExpiredTokens();
    const rows = await this.db.mintRecord.findMany({
      where: {
        actor: query.actor,
        ...(query.providerId ? { providerId: query.providerId } : {}),
        ...(query.before ? { createdAt: { lt: new Date(query.before) } } : {}),
      },
      orderBy: { createdAt: 'desc' },
      take: query.limit ?? 50,
    });
    return rows.map((r) => this.view(r));
  }

  /** The kept token, while it lives. */
  async token(id: string, actor: string): Promise<string> {
    await this.flush();
    const row = await this.db.mintRecord.findUnique({ where: { id } });
    if (!row || row.actor !== actor) throw new DomainError('history/not_found', `No history entry has id ${id}.`);
    if (!row.tokenSealed || !row.exp || row.exp.getTime() <= this.now()) {
      throw new DomainError('history/no_token', 'This token was not kept, or it has expired and was dropped.');
    }
    return open(row.tokenSealed, this.keys, aadFor(TABLE, row.id, 'token'));
  }

  /** Drops kept tokens once they expire. */
  async purgeExpiredTokens(): Promise<number> {
    const result = await this.db.mintRecord.updateMany({
      where: { tokenSealed: { not: null }, exp: { lte: new Date(this.now()) } },
      data: { tokenSealed: null },
    });
    return result.count;
  }
}
