// Credential sets: the only place a client secret is sealed or opened.
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/client.js';
import { PRISMA_UNIQUE_VIOLATION, prismaCode } from '../db/client.js';
import type { CredentialSet } from '../db/generated/client.js';
import { Secret } from '../crypto/secret.js';
import { aadFor, fingerprint, open, seal, SecretBoxError, type MasterKey } from '../crypto/secret-box.js';
import { AppError } from '../http/errors.js';
import type { EntityLevel } from '../frame/entity.js';
import type { CredentialView } from '../api-types.js';
import type { BuiltinEmulatorLink } from './builtin-emulator.js';
import { BUILTIN_EMULATOR, normaliseUpstream } from './upstreams.js';

export interface CredentialInput {
  name: string;
  clientId: string;
  clientSecret: string;
  upstreamUrl: string;
  entityLevel?: EntityLevel | undefined;
  entityId?: string | undefined;
  notes?: string | undefined;
}

export type CredentialPatch = Partial<Omit<CredentialInput, 'clientSecret' | 'entityLevel' | 'entityId'>> & {
  entityLevel?: EntityLevel | null | undefined;
  entityId?: string | null | undefined;
};

export type ProviderDisposition = { providers?: 'refuse' } | { providers: 'delete' } | { providers: 'move'; moveTo: string };

const SECRET_FIELD = 'secret';
const TABLE = 'credential_set';

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
    throw new AppError('request/invalid', message, [{ field: level ? 'entityId' : 'entityLevel', message }]);
  }
}

function upstreamOrThrow(url: string): string {
  const upstream = normaliseUpstream(url);
  if (!upstream.ok) throw new AppError('request/invalid', upstream.message, [{ field: 'upstreamUrl', message: upstream.message }]);
  return upstream.url;
}

export class CredentialService {
  constructor(
    private readonly db: Db,
    /** The current master key first; older ones after it, for opening only. */
    private readonly keys: readonly MasterKey[],
    private readonly emulator: BuiltinEmulatorLink,
    /** Told after every write, so cached provider rows never carry an old credential. */
    private readonly changed: () => void = () => {},
  ) {}

  async list(): Promise<CredentialView[]> {
    const rows = await this.db.credentialSet.findMany({ orderBy: { name: 'asc' }, include: withCount });
    return rows.map(toCredentialView);
  }

  async getRow(id: string): Promise<CredentialSet> {
    const row = await this.db.credentialSet.findUnique({ where: { id } });
    if (!row) throw new AppError('credential/not_found', `No credential set has id ${id}.`);
    return row;
  }

  async get(id: string): Promise<CredentialView> {
    const row = await this.db.credentialSet.findUnique({ where: { id }, include: withCount });
    if (!row) throw new AppError('credential/not_found', `No credential set has id ${id}.`);
    return toCredentialView(row);
  }

  /** Seals a secret for a row: ciphertext, key id, fingerprint. */
  sealFor(id: string, secret: string) {
    const key = this.keys[0]!;
    return {
      secretCiphertext: seal(secret, key, aadFor(TABLE, id, SECRET_FIELD)),
      secretKeyId: key.id,
      secretFingerprint: fingerprint(secret, key),
    };
  }

  /** The data of a new row, for create and import alike. */
  newRowData(input: CredentialInput, setBy: string, id: string = randomUUID()) {
    checkScope(input.entityLevel, input.entityId);
    return {
      id,
      name: input.name.trim(),
      clientId: input.clientId.trim(),
      ...this.sealFor(id, input.clientSecret),
      secretSetAt: new Date(),
      secretSetBy: setBy,
      upstreamUrl: upstreamOrThrow(input.upstreamUrl),
      entityLevel: input.entityLevel ?? null,
      entityId: input.entityId?.toLowerCase() ?? null,
      notes: input.notes ?? '',
    };
  }

  async create(input: CredentialInput): Promise<CredentialView> {
    const data = this.newRowData(input, 'console');
    const row = await this.uniqueOrThrow(data.name, () => this.db.credentialSet.create({ data, include: withCount }));
    this.changed();
    this.syncEmulator(row, new Secret(input.clientSecret));
    return toCredentialView(row);
  }

  async update(id: string, patch: CredentialPatch): Promise<CredentialView> {
    const before = await this.getRow(id);
    const level = patch.entityLevel === undefined ? before.entityLevel : patch.entityLevel;
    const entityId = patch.entityId === undefined ? before.entityId : patch.entityId;
    checkScope(level, entityId);
    const data = {
      ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
      ...(patch.clientId !== undefined ? { clientId: patch.clientId.trim() } : {}),
      ...(patch.upstreamUrl !== undefined ? { upstreamUrl: upstreamOrThrow(patch.upstreamUrl) } : {}),
      ...(patch.notes !== undefined ? { notes: patch.notes } : {}),
      entityLevel: level ?? null,
      entityId: entityId?.toLowerCase() ?? null,
    };
    const row = await this.uniqueOrThrow(data.name ?? before.name, () => this.db.credentialSet.update({ where: { id }, data, include: withCount }));
    this.changed();
    if (before.upstreamUrl === BUILTIN_EMULATOR) this.emulator.removeCredential(before.clientId);
    this.syncEmulator(row, this.openSecret(row));
    if (before.upstreamUrl === BUILTIN_EMULATOR || row.upstreamUrl === BUILTIN_EMULATOR) await this.syncProvidersOf(id);
    return toCredentialView(row);
  }

  /** Replaces the secret and nothing else. */
  async rotateSecret(id: string, secret: string): Promise<CredentialView> {
    await this.getRow(id);
    const row = await this.db.credentialSet.update({
      where: { id },
      data: { ...this.sealFor(id, secret), secretSetAt: new Date(), secretSetBy: 'console' },
      include: withCount,
    });
    this.changed();
    this.syncEmulator(row, new Secret(secret));
    return toCredentialView(row);
  }

  async remove(id: string, how: ProviderDisposition = {}): Promise<{ deletedProviders: number; movedProviders: number }> {
    const row = await this.db.credentialSet.findUnique({ where: { id }, include: { providers: { select: { id: true, name: true, description: true, entityLevel: true, entityId: true } } } });
    if (!row) throw new AppError('credential/not_found', `No credential set has id ${id}.`);
    const count = row.providers.length;
    if (count > 0 && (how.providers ?? 'refuse') === 'refuse') {
      throw new AppError('credential/in_use', `${count} provider(s) use this credential set: delete them or move them to another credential set in the same action.`, undefined, {
        providers: row.providers.map((p) => ({ id: p.id, name: p.name, description: p.description })),
      });
    }
    let target: CredentialSet | undefined;
    if (how.providers === 'move') {
      if (!how.moveTo) throw new AppError('request/invalid', 'Say which credential set takes the providers (moveTo).', [{ field: 'moveTo', message: 'choose a credential set' }]);
      if (how.moveTo === id) throw new AppError('request/invalid', 'Move the providers to a different credential set.', [{ field: 'moveTo', message: 'choose another credential set' }]);
      target = (await this.db.credentialSet.findUnique({ where: { id: how.moveTo } })) ?? undefined;
      if (!target) throw new AppError('request/invalid', `No credential set has id ${how.moveTo}.`, [{ field: 'moveTo', message: 'choose an existing credential set' }]);
    }
    await this.db.$transaction(async (tx) => {
      if (how.providers === 'move' && target) await tx.provider.updateMany({ where: { credentialSetId: id }, data: { credentialSetId: target.id } });
      if (how.providers === 'delete') await tx.provider.deleteMany({ where: { credentialSetId: id } });
      await tx.credentialSet.delete({ where: { id } });
    });
    this.changed();
    if (row.upstreamUrl === BUILTIN_EMULATOR) {
      this.emulator.removeCredential(row.clientId);
      if (how.providers === 'delete' || target?.upstreamUrl !== BUILTIN_EMULATOR) for (const p of row.providers) this.emulator.removeProvider(p);
    }
    if (target) await this.syncProvidersOf(target.id);
    return { deletedProviders: how.providers === 'delete' ? count : 0, movedProviders: how.providers === 'move' ? count : 0 };
  }

  /** The one place a secret is opened. */
  openSecret(row: Pick<CredentialSet, 'id' | 'secretCiphertext'>): Secret {
    return new Secret(open(row.secretCiphertext, this.keys, aadFor(TABLE, row.id, SECRET_FIELD)));
  }

  /** Opens every stored secret once, so a missing or wrong master key stops the start with a clear message. */
  async checkAllSecrets(): Promise<number> {
    const rows = await this.db.credentialSet.findMany({ select: { id: true, name: true, secretCiphertext: true } });
    for (const row of rows) {
      try {
        this.openSecret(row);
      } catch (err) {
        if (err instanceof SecretBoxError) throw new SecretBoxError(`credential set "${row.name}": ${err.message}`);
        throw err;
      }
    }
    return rows.length;
  }

  /** Re-seals every secret not under the current key (master key rotation), all or nothing. */
  async resealAll(): Promise<{ resealed: number; total: number }> {
    const current = this.keys[0]!;
    const rows = await this.db.credentialSet.findMany();
    const stale = rows.filter((r) => r.secretKeyId !== current.id);
    // Open everything first: a single unreadable row stops the rotation before anything is written.
    const opened = stale.map((row) => ({ row, secret: this.openSecret(row) }));
    await this.db.$transaction(
      opened.map(({ row, secret }) =>
        this.db.credentialSet.update({
          where: { id: row.id },
          data: { secretCiphertext: seal(secret.reveal(), current, aadFor(TABLE, row.id, SECRET_FIELD)), secretKeyId: current.id },
        }),
      ),
    );
    this.changed();
    return { resealed: stale.length, total: rows.length };
  }

  /** Registers every built-in-emulator credential set and provider with the in-process emulator. */
  async syncBuiltinEmulator(): Promise<number> {
    const rows = await this.db.credentialSet.findMany({ where: { upstreamUrl: BUILTIN_EMULATOR }, include: { providers: true } });
    for (const row of rows) {
      this.emulator.syncCredential(row, this.openSecret(row));
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
      return await write();
    } catch (err) {
      if (prismaCode(err) !== PRISMA_UNIQUE_VIOLATION) throw err;
      const byName = await this.db.credentialSet.findUnique({ where: { name } });
      if (byName) throw new AppError('credential/duplicate_name', `A credential set named "${name}" already exists; choose another name.`, [{ field: 'name', message: 'this name is taken' }]);
      throw new AppError('credential/duplicate_name', 'This client id is already stored for this upstream.', [{ field: 'clientId', message: 'already stored for this upstream' }]);
    }
  }
}
