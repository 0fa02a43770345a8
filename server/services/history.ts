// What was minted through the Playground: provider, params, jti, sub, exp, when, outcome. The token itself
// is kept only when asked, sealed like a secret, and only until it expires.
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/client.js';
import type { MintRecord } from '../db/generated/client.js';
import { aadFor, open, seal, type MasterKey } from '../crypto/secret-box.js';
import type { TokenRequestBody } from '../frame/token-body.js';
import { AppError } from '../http/errors.js';
import type { HistoryEntry } from '../api-types.js';

const TABLE = 'mint_record';

export interface MintRecordInput {
  providerId: string;
  providerName: string;
  params: TokenRequestBody;
  outcome: string;
  latencyMs: number;
  claims?: Record<string, unknown> | undefined;
  token?: string | undefined;
  keepToken: boolean;
}

export class HistoryService {
  constructor(
    private readonly db: Db,
    private readonly keys: readonly MasterKey[],
    private readonly now: () => number = Date.now,
  ) {}

  async record(input: MintRecordInput): Promise<string> {
    const id = randomUUID();
    const { claims } = input;
    const exp = typeof claims?.exp === 'number' ? new Date(claims.exp * 1000) : null;
    const keep = input.keepToken && input.token !== undefined && exp !== null && exp.getTime() > this.now();
    await this.db.mintRecord.create({
      data: {
        id,
        providerId: input.providerId,
        providerName: input.providerName,
        params: JSON.stringify(input.params),
        jti: typeof claims?.jti === 'string' ? claims.jti : null,
        sub: typeof claims?.sub === 'string' ? claims.sub : null,
        exp,
        outcome: input.outcome,
        latencyMs: input.latencyMs,
        tokenSealed: keep ? seal(input.token!, this.keys[0]!, aadFor(TABLE, id, 'token')) : null,
      },
    });
    return id;
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

  async list(query: { providerId?: string | undefined; limit?: number | undefined; before?: string | undefined }): Promise<HistoryEntry[]> {
    await this.purgeExpiredTokens();
    const rows = await this.db.mintRecord.findMany({
      where: { ...(query.providerId ? { providerId: query.providerId } : {}), ...(query.before ? { createdAt: { lt: new Date(query.before) } } : {}) },
      orderBy: { createdAt: 'desc' },
      take: query.limit ?? 50,
    });
    return rows.map((r) => this.view(r));
  }

  /** The kept token, while it lives. */
  async token(id: string): Promise<string> {
    const row = await this.db.mintRecord.findUnique({ where: { id } });
    if (!row) throw new AppError('history/not_found', `No history entry has id ${id}.`);
    if (!row.tokenSealed || !row.exp || row.exp.getTime() <= this.now()) {
      throw new AppError('history/no_token', 'This token was not kept, or it has expired and was dropped.');
    }
    return open(row.tokenSealed, this.keys, aadFor(TABLE, row.id, 'token'));
  }

  /** Drops kept tokens once they expire. */
  async purgeExpiredTokens(): Promise<number> {
    const result = await this.db.mintRecord.updateMany({ where: { tokenSealed: { not: null }, exp: { lte: new Date(this.now()) } }, data: { tokenSealed: null } });
    return result.count;
  }
}
