// Token-broker API keys: shown once at creation, stored as a SHA-256 hash, scoped to providers, with an
// optional expiry and a per-key rate limit. Every request looks the key up again, so a revoke takes effect
// on the very next request.
import { randomBytes, randomUUID } from 'node:crypto';
import { sha256Hex } from '../crypto/digest.js';
import { sqlOf, type Db } from '../db/client.js';
import { DomainError } from '../errors.js';
import { currentContext } from '../auth/context.js';
import type { AuditService } from './audit.js';
import type { ApiKeyView } from '../contract/api-keys.js';

export type { ApiKeyView };

const KEY_PREFIX = 'satk_';

export interface KeyPrincipal {
  keyId: string;
  name: string;
  providers: ReadonlySet<string>;
  rateLimitPerMinute: number;
}

function hashKey(key: string): string {
  return sha256Hex(key);
}

/** The bucket after one request at `now` (null: a full one): tokens left, and seconds to wait when refused (0 when taken). */
export function takeFromBucket(
  bucket: { tokens: number; at: number } | null,
  perMinute: number,
  now: number,
): { tokens: number; wait: number } {
  const before = bucket ? Math.min(perMinute, bucket.tokens + (Math.max(0, now - bucket.at) / 60_000) * perMinute) : perMinute;
  if (before < 1) return { tokens: before, wait: Math.ceil(((1 - before) / perMinute) * 60) };
  return { tokens: before - 1, wait: 0 };
}

export class ApiKeyService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly now: () => number = Date.now,
  ) {}

  async create(input: {
    name: string;
    providerIds: string[];
    expiresAt?: string | undefined;
    rateLimitPerMinute?: number | undefined;
  }): Promise<{ key: string; apiKey: ApiKeyView }> {
    if (!input.providerIds.length)
      throw new DomainError('request/invalid', 'Choose at least one provider the key may mint for.', [
        { field: 'providerIds', message: 'choose at least one provider' },
      ]);
    const expires = input.expiresAt ? new Date(input.expiresAt) : null;
    if (expires && expires.getTime() <= this.now())
      throw new DomainError('request/invalid', 'The expiry must be in the future.', [
        { field: 'expiresAt', message: 'must be in the future' },
      ]);
    const found = await this.db.provider.count({ where: { id: { in: input.providerIds } } });
    if (found !== new Set(input.providerIds).size)
      throw new DomainError('request/invalid', 'One or more of the chosen providers do not exist.', [
        { field: 'providerIds', message: 'unknown provider' },
      ]);
    const prefix = randomBytes(6).toString('hex');
    const key = `${KEY_PREFIX}${prefix}_${randomBytes(32).toString('base64url')}`;
    const { principal } = currentContext();
    const row = await this.audit.around(
      {
        action: 'apikey.created',
        detail: { name: input.name, prefix, providerIds: input.providerIds, expiresAt: expires?.toISOString() ?? null },
      },
      () =>
        this.db.apiKey.create({
          data: {
            id: randomUUID(),
            name: input.name,
            prefix,
            hash: hashKey(key),
            createdById: principal.kind === 'user' ? principal.userId : 'system',
            expiresAt: expires,
            rateLimit: input.rateLimitPerMinute ?? 60,
            providers: { create: [...new Set(input.providerIds)].map((providerId) => ({ providerId })) },
          },
          include: { providers: true },
        }),
      (r) => ({ keyId: r.id }),
    );
    return { key, apiKey: this.view(row) };
  }

  async list(): Promise<ApiKeyView[]> {
    const rows = await this.db.apiKey.findMany({ orderBy: { createdAt: 'desc' }, include: { providers: true } });
    return rows.map((r) => this.view(r));
  }

  async revoke(id: string): Promise<ApiKeyView> {
    const row = await this.db.apiKey.findUnique({ where: { id }, include: { providers: true } });
    if (!row) throw new DomainError('apikey/not_found', `No API key has id ${id}.`);
    if (row.revokedAt) return this.view(row);
    const updated = await this.audit.around({ action: 'apikey.revoked', target: id, detail: { name: row.name, prefix: row.prefix } }, () =>
      this.db.apiKey.update({ where: { id }, data: { revokedAt: new Date(this.now()) }, include: { providers: true } }),
    );
    return this.view(updated);
  }

  /** The key's identity and scope, or null when it is unknown, revoked or expired. */
  async authenticate(key: string): Promise<KeyPrincipal | null> {
    if (!key.startsWith(KEY_PREFIX) || key.length > 200) return null;
    const row = await this.db.apiKey.findUnique({ where: { hash: hashKey(key) }, include: { providers: true } });
    if (!row || row.revokedAt || (row.expiresAt && row.expiresAt.getTime() <= this.now())) return null;
    // Last use is informative: written at most once a minute per key.
    if (!row.lastUsedAt || this.now() - row.lastUsedAt.getTime() > 60_000) {
      await this.db.apiKey.updateMany({ where: { id: row.id }, data: { lastUsedAt: new Date(this.now()) } });
    }
    return { keyId: row.id, name: row.name, providers: new Set(row.providers.map((p) => p.providerId)), rateLimitPerMinute: row.rateLimit };
  }

  /**
   * Token bucket per key: rateLimit per minute, bursts up to the same number. Returns seconds to wait, or 0.
   * The bucket is the key's row (rateTokens, rateAt), read and written in one transaction holding the key's
   * lock, so replicas share one count: two replicas never give a key twice its rate.
   */
  takeToken(keyId: string, perMinute: number): Promise<number> {
    return sqlOf(this.db).transaction(
      async (tx) => {
        const now = this.now();
        const row = await tx.get<{ rateTokens: number | null; rateAt: number | bigint | null }>(
          'SELECT "rateTokens", "rateAt" FROM "ApiKey" WHERE "id" = ?',
          [keyId],
        );
        const { tokens, wait } = takeFromBucket(
          row?.rateTokens == null || row.rateAt == null ? null : { tokens: row.rateTokens, at: Number(row.rateAt) },
          perMinute,
          now,
        );
        await tx.run('UPDATE "ApiKey" SET "rateTokens" = ?, "rateAt" = ? WHERE "id" = ?', [tokens, now, keyId]);
        return wait;
      },
      { locks: [`api-key-rate:${keyId}`] },
    );
  }

  private view(row: {
    id: string;
    name: string;
    prefix: string;
    rateLimit: number;
    createdAt: Date;
    expiresAt: Date | null;
    revokedAt: Date | null;
    lastUsedAt: Date | null;
    providers: { providerId: string }[];
  }): ApiKeyView {
    const state = row.revokedAt ? 'revoked' : row.expiresAt && row.expiresAt.getTime() <= this.now() ? 'expired' : 'active';
    return {
      id: row.id,
      name: row.name,
      prefix: `${KEY_PREFIX}${row.prefix}`,
      providerIds: row.providers.map((p) => p.providerId),
      rateLimitPerMinute: row.rateLimit,
      createdAt: row.createdAt.toISOString(),
      expiresAt: row.expiresAt?.toISOString() ?? null,
      revokedAt: row.revokedAt?.toISOString() ?? null,
      lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
      state,
    };
  }
}
