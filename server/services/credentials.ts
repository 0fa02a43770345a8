// Credential sets: create, read, change and delete them, and keep the built-in emulator in step.
// Their client secrets are sealed and opened by credential-secrets.ts only.
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/client.js';
import { PRISMA_UNIQUE_VIOLATION, prismaCode, sqlOf } from '../db/client.js';
import type { CredentialSet } from '../db/models.js';
import { Secret } from '../crypto/secret.js';
import { DomainError } from '../errors.js';
import type { EntityLevel } from '../frame/entity.js';
import type { CredentialView } from '../contract/credential-sets.js';
import type { BuiltinEmulatorLink } from './builtin-emulator.js';
import { BUILTIN_EMULATOR, normaliseUpstream } from './upstreams.js';
import { RESERVED_NAMES } from '../contract/fields.js';
import { AllowedHosts } from '../upstream/address-policy.js';
import { afterCommit } from '../db/unit-of-work.js';
import type { CredentialSecrets } from './credential-secrets.js';

export interface CredentialInput {
  name: string;
  clientId: string;
  clientSecret: string;
  upstreamUrl: string;
  entityLevel?: EntityLevel | undefined;
  entityId?: string | undefined;
  notes?: string | undefined;
}

export type CredentialPatch = Partial<Omit<CredentialInput, 'entityLevel' | 'entityId'>> & {
  entityLevel?: EntityLevel | null | undefined;
  entityId?: string | null | undefined;
};

export type ProviderDisposition = { providers?: 'refuse' } | { providers: 'delete' } | { providers: 'move'; moveTo: string };

export const SECRET_REQUIRED_MESSAGE =
  'Changing the client id or the upstream needs the client secret again: the secret is bound to both, so that sending it to another host or using it for another key takes someone who holds it.';

export function toCredentialView(row: CredentialSet & { _count?: { providers: number } }): CredentialView {
  return {
    id: row.id,
    name: row.name,
    clientId: row.clientId,
    upstreamUrl: row.upstreamUrl,
    entityLevel: row.entityLevel,
    entityId: row.entityId,
    notes: row.notes,
    secretFingerprint: row.secretFingerprint,
    secretSetAt: row.secretSetAt.toISOString(),
    secretSetBy: row.secretSetBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    providerCount: row._count?.providers ?? 0,
  };
}

const withCount = { _count: { select: { providers: true } } } as const;

function checkScope(level: unknown, id: unknown): void {
  if (Boolean(level) !== Boolean(id)) {
    const message = 'give both the entity level and the entity id of the scope, or neither';
    throw new DomainError('request/invalid', message, [{ field: level ? 'entityId' : 'entityLevel', message }]);
  }
}

/** An import keys its secrets by credential set name: a name an object treats specially is refused. */
function checkName(name: string): void {
  if (!RESERVED_NAMES.has(name.trim())) return;
  const message = `"${name.trim()}" is reserved; choose another name`;
  throw new DomainError('request/invalid', message, [{ field: 'name', message }]);
}

function upstreamOrThrow(url: string, allowed: AllowedHosts): string {
  const upstream = normaliseUpstream(url, allowed);
  if (!upstream.ok) throw new DomainError('request/invalid', upstream.message, [{ field: 'upstreamUrl', message: upstream.message }]);
  return upstream.url;
}

export class CredentialService {
  constructor(
    private readonly db: Db,
    /** Seals and opens the client secrets (and keeps the stored ones readable). */
    readonly secrets: CredentialSecrets,
    private readonly emulator: BuiltinEmulatorLink,
    /** Told after every write, so cached provider rows never carry an old credential. */
    private readonly changed: () => Promise<void> = async () => {},
    /** Private hosts the operator allows as upstreams (UPSTREAM_ALLOW_HOSTS). */
    readonly allowedHosts: AllowedHosts = new AllowedHosts(),
  ) {}

  async list(): Promise<CredentialView[]> {
    const rows = await this.db.credentialSet.findMany({ orderBy: { name: 'asc' }, include: withCount });
    return rows.map(toCredentialView);
  }

  async getRow(id: string): Promise<CredentialSet> {
    const row = await this.db.credentialSet.findUnique({ where: { id } });
    if (!row) throw new DomainError('credential/not_found', `No credential set has id ${id}.`);
    return row;
  }

  async get(id: string): Promise<CredentialView> {
    const row = await this.db.credentialSet.findUnique({ where: { id }, include: withCount });
    if (!row) throw new DomainError('credential/not_found', `No credential set has id ${id}.`);
    return toCredentialView(row);
  }

  /** The data of a new row, for create and import alike. */
  newRowData(input: CredentialInput, setBy: string, id: string = randomUUID()) {
    checkScope(input.entityLevel, input.entityId);
    checkName(input.name);
    const clientId = input.clientId.trim();
    const upstreamUrl = upstreamOrThrow(input.upstreamUrl, this.allowedHosts);
    return {
      id,
      name: input.name.trim(),
      clientId,
      ...this.secrets.sealFor({ id, clientId, upstreamUrl }, input.clientSecret),
      secretSetAt: new Date(),
      secretSetBy: setBy,
      upstreamUrl,
      entityLevel: input.entityLevel ?? null,
      entityId: input.entityId?.toLowerCase() ?? null,
      notes: input.notes ?? '',
    };
  }

  async create(input: CredentialInput): Promise<CredentialView> {
    const data = this.newRowData(input, 'console');
    const row = await this.uniqueOrThrow(data.name, () => this.db.credentialSet.create({ data, include: withCount }));
    await this.changed();
    await afterCommit(() => this.syncEmulator(row, new Secret(input.clientSecret)));
    return toCredentialView(row);
  }

  async update(id: string, patch: CredentialPatch): Promise<CredentialView> {
    const before = await this.getRow(id);
    const level = patch.entityLevel === undefined ? before.entityLevel : patch.entityLevel;
    const entityId = patch.entityId === undefined ? before.entityId : patch.entityId;
    checkScope(level, entityId);
    if (patch.name !== undefined) checkName(patch.name);
    const clientId = patch.clientId?.trim() ?? before.clientId;
    const upstreamUrl = patch.upstreamUrl !== undefined ? upstreamOrThrow(patch.upstreamUrl, this.allowedHosts) : before.upstreamUrl;
    const moved = clientId !== before.clientId || upstreamUrl !== before.upstreamUrl;
    if (moved && patch.clientSecret === undefined) {
      throw new DomainError('credential/secret_required', SECRET_REQUIRED_MESSAGE, [
        { field: 'clientSecret', message: 'enter the client secret again to change the client id or upstream' },
      ]);
    }
    if (!moved && patch.clientSecret !== undefined) {
      const message =
        'A secret goes in a change only with a new client id or upstream; to replace the secret alone, use PUT /api/credential-sets/:id/secret (Replace secret).';
      throw new DomainError('request/invalid', message, [{ field: 'clientSecret', message }]);
    }
    const data = {
      ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
      clientId,
      upstreamUrl,
      ...(patch.notes !== undefined ? { notes: patch.notes } : {}),
      entityLevel: level ?? null,
      entityId: entityId?.toLowerCase() ?? null,
      ...(patch.clientSecret !== undefined
        ? { ...this.secrets.sealFor({ id, clientId, upstreamUrl }, patch.clientSecret), secretSetAt: new Date(), secretSetBy: 'console' }
        : {}),
    };
    const row = await this.uniqueOrThrow(data.name ?? before.name, () =>
      this.db.credentialSet.update({ where: { id }, data, include: withCount }),
    );
    await this.changed();
    await afterCommit(async () => {
      if (before.upstreamUrl === BUILTIN_EMULATOR) this.emulator.removeCredential(before.clientId);
      this.syncEmulator(row, this.secrets.openSecret(row));
      if (before.upstreamUrl === BUILTIN_EMULATOR || row.upstreamUrl === BUILTIN_EMULATOR) await this.syncProvidersOf(id);
    });
    return toCredentialView(row);
  }

  /** Replaces the secret and nothing else. */
  async rotateSecret(id: string, secret: string): Promise<CredentialView> {
    const before = await this.getRow(id);
    const row = await this.db.credentialSet.update({
      where: { id },
      data: { ...this.secrets.sealFor(before, secret), secretSetAt: new Date(), secretSetBy: 'console' },
      include: withCount,
    });
    await this.changed();
    await afterCommit(() => this.syncEmulator(row, new Secret(secret)));
    return toCredentialView(row);
  }

  async remove(id: string, how: ProviderDisposition = {}): Promise<{ deletedProviders: number; movedProviders: number }> {
    const row = await this.db.credentialSet.findUnique({
      where: { id },
      include: { providers: { select: { id: true, name: true, description: true, entityLevel: true, entityId: true } } },
    });
    if (!row) throw new DomainError('credential/not_found', `No credential set has id ${id}.`);
    const count = row.providers.length;
    if (count > 0 && (how.providers ?? 'refuse') === 'refuse') {
      throw new DomainError(
        'credential/in_use',
        `${count} provider(s) use this credential set: delete them or move them to another credential set in the same action.`,
        undefined,
        {
          providers: row.providers.map((p) => ({ id: p.id, name: p.name, description: p.description })),
        },
      );
    }
    let target: CredentialSet | undefined;
    if (how.providers === 'move') {
      if (!how.moveTo)
        throw new DomainError('request/invalid', 'Say which credential set takes the providers (moveTo).', [
          { field: 'moveTo', message: 'choose a credential set' },
        ]);
      if (how.moveTo === id)
        throw new DomainError('request/invalid', 'Move the providers to a different credential set.', [
          { field: 'moveTo', message: 'choose another credential set' },
        ]);
      target = (await this.db.credentialSet.findUnique({ where: { id: how.moveTo } })) ?? undefined;
      if (!target)
        throw new DomainError('request/invalid', `No credential set has id ${how.moveTo}.`, [
          { field: 'moveTo', message: 'choose an existing credential set' },
        ]);
    }
    await this.db.$transaction(async (tx) => {
      if (how.providers === 'move' && target)
        await tx.provider.updateMany({ where: { credentialSetId: id }, data: { credentialSetId: target.id } });
      if (how.providers === 'delete') await tx.provider.deleteMany({ where: { credentialSetId: id } });
      await tx.credentialSet.delete({ where: { id } });
    });
    await this.changed();
    await afterCommit(async () => {
      if (row.upstreamUrl === BUILTIN_EMULATOR) {
        this.emulator.removeCredential(row.clientId);
        if (how.providers === 'delete' || target?.upstreamUrl !== BUILTIN_EMULATOR)
          for (const p of row.providers) this.emulator.removeProvider(p);
      }
      if (target) await this.syncProvidersOf(target.id);
    });
    return { deletedProviders: how.providers === 'delete' ? count : 0, movedProviders: how.providers === 'move' ? count : 0 };
  }

  /**
   * Registers every built-in-emulator credential set and provider with the in-process emulator; with
   * `replace`, what was registered before goes, in the same synchronous step once the rows are read (another
   * replica changed them), so no request sees the registry half-filled.
   */
  async syncBuiltinEmulator(opts: { replace?: boolean } = {}): Promise<number> {
    const rows = await this.db.credentialSet.findMany({ where: { upstreamUrl: BUILTIN_EMULATOR }, include: { providers: true } });
    if (opts.replace) this.emulator.clear();
    for (const row of rows) {
      this.emulator.syncCredential(row, this.secrets.openSecret(row));
      for (const p of row.providers) this.emulator.syncProvider(p);
    }
    return rows.length;
  }

  private syncEmulator(row: CredentialSet, secret: Secret): void {
    if (row.upstreamUrl === BUILTIN_EMULATOR) this.emulator.syncCredential(row, secret);
  }

  private async syncProvidersOf(credentialSetId: string): Promise<void> {
    const row = await this.db.credentialSet.findUnique({ where: { id: credentialSetId }, include: { providers: true } });
    if (!row) return;
    for (const p of row.providers) {
      if (row.upstreamUrl === BUILTIN_EMULATOR) this.emulator.syncProvider(p);
      else this.emulator.removeProvider(p);
    }
  }

  private async uniqueOrThrow<T>(name: string, write: () => Promise<T>): Promise<T> {
    try {
      // In a savepoint: the lookup below runs in the same transaction, which a failed write would have aborted.
      return await sqlOf(this.db).savepoint(write);
    } catch (err) {
      if (prismaCode(err) !== PRISMA_UNIQUE_VIOLATION) throw err;
      const byName = await this.db.credentialSet.findUnique({ where: { name } });
      if (byName)
        throw new DomainError('credential/duplicate_name', `A credential set named "${name}" already exists; choose another name.`, [
          { field: 'name', message: 'this name is taken' },
        ]);
      throw new DomainError('credential/duplicate_name', 'This client id is already stored for this upstream.', [
        { field: 'clientId', message: 'already stored for this upstream' },
      ]);
    }
  }
}
