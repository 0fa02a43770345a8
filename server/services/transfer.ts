// Export and import of providers and credential-set metadata. An export never holds a secret; an import
// takes the missing secrets beside the file, checks every row first, then applies all rows or none.
import type { Db } from '../db/client.js';
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import { ENTITY_LEVELS, PROVIDER_NAME_PATTERN, UUID_PATTERN, type EntityLevel } from '../frame/entity.js';
import { MAX_TOKEN_DURATION_MINUTES, MIN_TOKEN_DURATION_MINUTES } from '../emulator/contract.js';
import { describeErrors } from '../schema-check.js';
import { AppError } from '../http/errors.js';
import type { CredentialService } from './credentials.js';
import { normaliseTags, parseTags, type ProviderService } from './providers.js';
import { normaliseUpstream } from './upstreams.js';

export const EXPORT_FORMAT = 'sat-playground/export';
export const EXPORT_VERSION = 1;

const Uuid = Type.String({ pattern: UUID_PATTERN });
export const ExportedCredentialSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }),
    clientId: Type.String({ minLength: 1, maxLength: 200, pattern: '^\\S+$' }),
    upstreamUrl: Type.String({ minLength: 1, maxLength: 500 }),
    entityLevel: Type.Union([Type.Enum(ENTITY_LEVELS), Type.Null()]),
    entityId: Type.Union([Uuid, Type.Null()]),
    notes: Type.String({ maxLength: 1000 }),
    secretFingerprint: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);
export const ExportedProviderSchema = Type.Object(
  {
    name: Type.String({ pattern: PROVIDER_NAME_PATTERN }),
    description: Type.String({ maxLength: 200 }),
    tokenDurationMin: Type.Integer({ minimum: MIN_TOKEN_DURATION_MINUTES, maximum: MAX_TOKEN_DURATION_MINUTES }),
    entityLevel: Type.Enum(ENTITY_LEVELS),
    entityId: Uuid,
    tags: Type.Array(Type.String({ minLength: 1, maxLength: 40 }), { maxItems: 20 }),
    credentialSet: Type.String({ minLength: 1, maxLength: 100, description: 'Name of the credential set' }),
  },
  { additionalProperties: false },
);
export const ExportFileSchema = Type.Object(
  {
    format: Type.Literal(EXPORT_FORMAT),
    version: Type.Literal(EXPORT_VERSION),
    exportedAt: Type.String(),
    credentialSets: Type.Array(Type.Unknown(), { maxItems: 1000 }),
    providers: Type.Array(Type.Unknown(), { maxItems: 10000 }),
  },
  { additionalProperties: false },
);
export type ExportedCredential = Static<typeof ExportedCredentialSchema>;
export type ExportedProvider = Static<typeof ExportedProviderSchema>;
export type ExportFile = Static<typeof ExportFileSchema>;

export interface ImportRow {
  kind: 'credentialSet' | 'provider';
  key: string;
  action: 'added' | 'updated' | 'rejected';
  reason?: string;
}

export interface ImportReport {
  applied: boolean;
  added: number;
  updated: number;
  rejected: number;
  rows: ImportRow[];
}

export class TransferService {
  constructor(
    private readonly db: Db,
    private readonly credentials: CredentialService,
    private readonly providers: ProviderService,
  ) {}

  async exportAll(now = new Date()): Promise<ExportFile> {
    const creds = await this.db.credentialSet.findMany({ orderBy: { name: 'asc' } });
    const provs = await this.db.provider.findMany({ orderBy: { name: 'asc' }, include: { credentialSet: { select: { name: true } } } });
    return {
      format: EXPORT_FORMAT,
      version: EXPORT_VERSION,
      exportedAt: now.toISOString(),
      credentialSets: creds.map((c): ExportedCredential => ({
        name: c.name,
        clientId: c.clientId,
        upstreamUrl: c.upstreamUrl,
        entityLevel: (c.entityLevel as EntityLevel | null) ?? null,
        entityId: c.entityId,
        notes: c.notes,
        secretFingerprint: c.secretFingerprint,
      })),
      providers: provs.map((p): ExportedProvider => ({
        name: p.name,
        description: p.description,
        tokenDurationMin: p.tokenDurationMin,
        entityLevel: p.entityLevel as EntityLevel,
        entityId: p.entityId,
        tags: parseTags(p.tags),
        credentialSet: p.credentialSet.name,
      })),
    };
  }

  /** Checks every row against the file and the database; applies all or nothing unless dryRun. */
  async importAll(file: ExportFile, secrets: Record<string, string>, dryRun: boolean): Promise<ImportReport> {
    const rows: ImportRow[] = [];
    const existingCreds = new Map((await this.db.credentialSet.findMany()).map((c) => [c.name, c]));
    const existingProvs = new Map((await this.db.provider.findMany()).map((p) => [p.name, p]));
    const credPlan: { row: ExportedCredential; existingId?: string; secret?: string }[] = [];
    const provPlan: { row: ExportedProvider; existingId?: string }[] = [];
    const namesInFile = new Set<string>();
    const upstreamClientPairs = new Map<string, string>();
    for (const c of existingCreds.values()) upstreamClientPairs.set(`${c.upstreamUrl} ${c.clientId}`, c.name);

    file.credentialSets.forEach((raw, i) => {
      const key = typeof (raw as { name?: unknown })?.name === 'string' ? (raw as { name: string }).name : `credentialSets[${i}]`;
      const reject = (reason: string) => rows.push({ kind: 'credentialSet', key, action: 'rejected', reason });
      if (!Value.Check(ExportedCredentialSchema, raw)) return reject(describeErrors(ExportedCredentialSchema, raw, 'credential set').join('; '));
      const row = raw;
      if (namesInFile.has(row.name)) return reject('the file names this credential set twice');
      namesInFile.add(row.name);
      const upstream = normaliseUpstream(row.upstreamUrl);
      if (!upstream.ok) return reject(upstream.message);
      if (Boolean(row.entityLevel) !== Boolean(row.entityId)) return reject('give both the entity level and the entity id of the scope, or neither');
      const existing = existingCreds.get(row.name);
      const secret = secrets[row.name];
      if (secret !== undefined && (secret.length < 8 || secret.length > 512)) return reject('the secret given for it must be 8 to 512 characters');
      if (!existing && secret === undefined) return reject('a client secret is required: exports never contain secrets, so give it for this credential set');
      const pairOwner = upstreamClientPairs.get(`${upstream.url} ${row.clientId.trim()}`);
      if (pairOwner && pairOwner !== row.name) return reject(`credential set "${pairOwner}" already holds this client id for this upstream`);
      upstreamClientPairs.set(`${upstream.url} ${row.clientId.trim()}`, row.name);
      credPlan.push({ row: { ...row, upstreamUrl: upstream.url }, ...(existing ? { existingId: existing.id } : {}), ...(secret !== undefined ? { secret } : {}) });
      rows.push({ kind: 'credentialSet', key, action: existing ? 'updated' : 'added' });
    });

    const credNames = new Set([...existingCreds.keys(), ...credPlan.map((c) => c.row.name)]);
    const provNames = new Set<string>();
    const planned = new Set(credPlan.map((c) => c.row.name));
    const rejectedCreds = new Set(rows.filter((r) => r.action === 'rejected' && !planned.has(r.key)).map((r) => r.key));
    file.providers.forEach((raw, i) => {
      const key = typeof (raw as { name?: unknown })?.name === 'string' ? (raw as { name: string }).name : `providers[${i}]`;
      const reject = (reason: string) => rows.push({ kind: 'provider', key, action: 'rejected', reason });
      if (!Value.Check(ExportedProviderSchema, raw)) return reject(describeErrors(ExportedProviderSchema, raw, 'provider').join('; '));
      const row = raw;
      if (provNames.has(row.name)) return reject('the file names this provider twice');
      provNames.add(row.name);
      if (rejectedCreds.has(row.credentialSet)) return reject(`its credential set "${row.credentialSet}" is rejected`);
      if (!credNames.has(row.credentialSet)) return reject(`no credential set named "${row.credentialSet}" in the file or the console`);
      const existing = existingProvs.get(row.name);
      provPlan.push({ row, ...(existing ? { existingId: existing.id } : {}) });
      rows.push({ kind: 'provider', key, action: existing ? 'updated' : 'added' });
    });

    const count = (a: ImportRow['action']) => rows.filter((r) => r.action === a).length;
    const report: ImportReport = { applied: false, added: count('added'), updated: count('updated'), rejected: count('rejected'), rows };
    if (report.rejected > 0) {
      throw new AppError('import/rejected', `${report.rejected} row(s) cannot be imported; nothing was changed. Fix them and import again.`, undefined, { report });
    }
    if (dryRun) return report;

    await this.db.$transaction(async (tx) => {
      const idsByName = new Map([...existingCreds.values()].map((c) => [c.name, c.id]));
      for (const { row, existingId, secret } of credPlan) {
        const meta = { clientId: row.clientId.trim(), upstreamUrl: row.upstreamUrl, entityLevel: row.entityLevel, entityId: row.entityId?.toLowerCase() ?? null, notes: row.notes };
        if (existingId) {
          const secretData = secret === undefined ? {} : { ...this.credentials.sealFor(existingId, secret), secretSetAt: new Date(), secretSetBy: 'import' };
          await tx.credentialSet.update({ where: { id: existingId }, data: { ...meta, ...secretData } });
        } else {
          const data = this.credentials.newRowData({ ...meta, name: row.name, clientSecret: secret!, entityLevel: row.entityLevel ?? undefined, entityId: row.entityId ?? undefined }, 'import');
          await tx.credentialSet.create({ data });
          idsByName.set(row.name, data.id);
        }
      }
      for (const { row, existingId } of provPlan) {
        const input = { ...row, tags: normaliseTags(row.tags), credentialSetId: idsByName.get(row.credentialSet)! };
        const data = this.providers.newRowData(input, existingId);
        if (existingId) await tx.provider.update({ where: { id: existingId }, data });
        else await tx.provider.create({ data });
      }
    });
    await this.credentials.syncBuiltinEmulator();
    return { ...report, applied: true };
  }
}
