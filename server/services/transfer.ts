// Export and import of providers and credential-set metadata. An export never holds a secret; an import
// takes the missing secrets beside the file, checks every row first, then applies all rows or none.
import type { Db } from '../db/client.js';
import { Value } from 'typebox/value';
import type { EntityLevel } from '../frame/entity.js';
import { RESERVED_NAMES } from '../contract/fields.js';
import {
  EXPORT_FORMAT,
  EXPORT_VERSION,
  ExportedCredentialSchema,
  ExportedProviderSchema,
  type ExportedCredential,
  type ExportedProvider,
  type ExportFile,
  type ImportReport,
  type ImportRow,
} from '../contract/transfer.js';
import { describeErrors } from '../schema-check.js';
import { DomainError } from '../errors.js';
import type { CredentialService } from './credentials.js';
import { parseTags, type ProviderService } from './providers.js';
import type { CredentialSet } from '../db/models.js';
import { normaliseUpstream } from './upstreams.js';
import { afterCommit } from '../db/unit-of-work.js';

interface CredentialPlan {
  row: ExportedCredential;
  existingId?: string;
  secret?: string;
}

interface ProviderPlan {
  row: ExportedProvider;
  existingId?: string;
}

/** A row's name for the report, or its place in the file when it has none. */
function rowKey(raw: unknown, fallback: string): string {
  const name = (raw as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : fallback;
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
    const existingCreds = new Map((await this.db.credentialSet.findMany()).map((c) => [c.name, c]));
    const existingProvs = new Map((await this.db.provider.findMany()).map((p) => [p.name, p.id]));
    const rows: ImportRow[] = [];
    const credPlan = this.planCredentials(file.credentialSets, secrets, existingCreds, rows);
    const provPlan = this.planProviders(file.providers, new Set(existingCreds.keys()), credPlan, existingProvs, rows);

    const count = (a: ImportRow['action']) => rows.filter((r) => r.action === a).length;
    const report: ImportReport = { applied: false, added: count('added'), updated: count('updated'), rejected: count('rejected'), rows };
    if (report.rejected > 0) {
      throw new DomainError(
        'import/rejected',
        `${report.rejected} row(s) cannot be imported; nothing was changed. Fix them and import again.`,
        undefined,
        { report },
      );
    }
    if (dryRun) return report;
    await this.apply(credPlan, provPlan, new Map([...existingCreds.values()].map((c) => [c.name, c.id])));
    await this.providers.changed();
    await afterCommit(() => this.credentials.syncBuiltinEmulator().then(() => undefined));
    return { ...report, applied: true };
  }

  private planCredentials(
    raws: unknown[],
    secrets: Record<string, string>,
    existing: Map<string, CredentialSet>,
    rows: ImportRow[],
  ): CredentialPlan[] {
    const plan: CredentialPlan[] = [];
    const names = new Set<string>();
    const pairOwners = new Map([...existing.values()].map((c) => [`${c.upstreamUrl} ${c.clientId}`, c.name]));
    raws.forEach((raw, i) => {
      const key = rowKey(raw, `credentialSets[${i}]`);
      const reject = (reason: string) => void rows.push({ kind: 'credentialSet', key, action: 'rejected', reason });
      if (!Value.Check(ExportedCredentialSchema, raw))
        return reject(describeErrors(ExportedCredentialSchema, raw, 'credential set').join('; '));
      if (names.has(raw.name)) return reject('the file names this credential set twice');
      if (RESERVED_NAMES.has(raw.name))
        return reject(`"${raw.name}" cannot be a credential set's name (it is reserved in JSON objects); rename it in the file`);
      names.add(raw.name);
      const upstream = normaliseUpstream(raw.upstreamUrl, this.credentials.allowedHosts);
      if (!upstream.ok) return reject(upstream.message);
      if (Boolean(raw.entityLevel) !== Boolean(raw.entityId))
        return reject('give both the entity level and the entity id of the scope, or neither');
      const current = existing.get(raw.name);
      // An own key only: a name such as __proto__ or toString must not read Object.prototype.
      const secret = Object.hasOwn(secrets, raw.name) ? secrets[raw.name] : undefined;
      if (secret !== undefined && typeof secret !== 'string') return reject('the secret given for it must be a string');
      if (secret !== undefined && (secret.length < 8 || secret.length > 512))
        return reject('the secret given for it must be 8 to 512 characters');
      if (!current && secret === undefined)
        return reject('a client secret is required: exports never contain secrets, so give it for this credential set');
      if (current && secret === undefined && (current.clientId !== raw.clientId.trim() || current.upstreamUrl !== upstream.url)) {
        return reject(
          'it changes the client id or upstream of an existing credential set, which needs its client secret: the secret is bound to both',
        );
      }
      const pair = `${upstream.url} ${raw.clientId.trim()}`;
      const owner = pairOwners.get(pair);
      if (owner && owner !== raw.name) return reject(`credential set "${owner}" already holds this client id for this upstream`);
      pairOwners.set(pair, raw.name);
      plan.push({
        row: { ...raw, upstreamUrl: upstream.url },
        ...(current ? { existingId: current.id } : {}),
        ...(secret !== undefined ? { secret } : {}),
      });
      rows.push({ kind: 'credentialSet', key, action: current ? 'updated' : 'added' });
    });
    return plan;
  }

  private planProviders(
    raws: unknown[],
    existingCredNames: Set<string>,
    credPlan: CredentialPlan[],
    existing: Map<string, string>,
    rows: ImportRow[],
  ): ProviderPlan[] {
    const plan: ProviderPlan[] = [];
    const names = new Set<string>();
    const planned = new Set(credPlan.map((c) => c.row.name));
    const rejectedCreds = new Set(rows.filter((r) => r.action === 'rejected' && !planned.has(r.key)).map((r) => r.key));
    raws.forEach((raw, i) => {
      const key = rowKey(raw, `providers[${i}]`);
      const reject = (reason: string) => void rows.push({ kind: 'provider', key, action: 'rejected', reason });
      if (!Value.Check(ExportedProviderSchema, raw)) return reject(describeErrors(ExportedProviderSchema, raw, 'provider').join('; '));
      if (names.has(raw.name)) return reject('the file names this provider twice');
      names.add(raw.name);
      if (rejectedCreds.has(raw.credentialSet)) return reject(`its credential set "${raw.credentialSet}" is rejected`);
      if (!planned.has(raw.credentialSet) && !existingCredNames.has(raw.credentialSet))
        return reject(`no credential set named "${raw.credentialSet}" in the file or the console`);
      const existingId = existing.get(raw.name);
      plan.push({ row: raw, ...(existingId ? { existingId } : {}) });
      rows.push({ kind: 'provider', key, action: existingId ? 'updated' : 'added' });
    });
    return plan;
  }

  private async apply(credPlan: CredentialPlan[], provPlan: ProviderPlan[], idsByName: Map<string, string>): Promise<void> {
    await this.db.$transaction(async (tx) => {
      for (const { row, existingId, secret } of credPlan) {
        const meta = {
          clientId: row.clientId.trim(),
          upstreamUrl: row.upstreamUrl,
          entityLevel: row.entityLevel,
          entityId: row.entityId?.toLowerCase() ?? null,
          notes: row.notes,
        };
        if (existingId) {
          const secretData =
            secret === undefined
              ? {}
              : {
                  ...this.credentials.secrets.sealFor({ id: existingId, clientId: meta.clientId, upstreamUrl: meta.upstreamUrl }, secret),
                  secretSetAt: new Date(),
                  secretSetBy: 'import',
                };
          await tx.credentialSet.update({ where: { id: existingId }, data: { ...meta, ...secretData } });
        } else {
          const data = this.credentials.newRowData(
            {
              ...meta,
              name: row.name,
              clientSecret: secret!,
              entityLevel: row.entityLevel ?? undefined,
              entityId: row.entityId ?? undefined,
            },
            'import',
          );
          await tx.credentialSet.create({ data });
          idsByName.set(row.name, data.id);
        }
      }
      for (const { row, existingId } of provPlan) {
        const data = this.providers.newRowData({ ...row, credentialSetId: idsByName.get(row.credentialSet)! }, existingId);
        if (existingId) await tx.provider.update({ where: { id: existingId }, data });
        else await tx.provider.create({ data });
      }
    });
  }
}
