// Credential sets: the only place a client secret is sealed or opened.
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/client.js';
import { PRISMA_UNIQUE_VIOLATION, prismaCode } from '../db/client.js';
import type { CredentialSet } from '../db/generated/client.js';
import { Secret } from '../crypto/secret.js';
import { aadFor, fingerprint, open, seal, SecretBoxError, type MasterKey } from '../crypto/secret-box.js';
import { DomainError } from '../errors.js';
import type { EntityLevel } from '../frame/entity.js';
import type { CredentialView } from '../contract/credential-sets.js';
import type { BuiltinEmulatorLink } from './builtin-emulator.js';
import { BUILTIN_EMULATOR, normaliseUpstream } from './upstreams.js';
import { RESERVED_NAMES } from '../contract/fields.js';
import { AllowedHosts } from '../upstream/address-policy.js';
import { afterCommit, nowAndAtEnd } from '../db/unit-of-work.js';

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

const SECRET_FIELD = 'secret';
const TABLE = 'credential_set';
/** Set once every stored secret is bound to its client id and upstream; from then on no unbound one opens. */
const BINDING_SETTING = 'credential.secretBinding';
const BINDING_VERSION = 'client-id-and-upstream';

/** What a secret is sealed for: its row, and the client id and upstream it may be sent with. */
type Binding = Pick<CredentialSet, 'id' | 'clientId' | 'upstreamUrl'>;

function secretAad(row: Binding): string {
  return aadFor(TABLE, row.id, SECRET_FIELD, { clientId: row.clientId, upstreamUrl: row.upstreamUrl });
}

/** Before secrets were bound (up to 2026-12): bound to the row only. Opened once, to re-seal. */
function legacyAad(row: Pick<CredentialSet, 'id'>): string {
  return aadFor(TABLE, row.id, SECRET_FIELD);
}

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
    /** The current master key first; older ones after it, for opening only. */
    private readonly keys: readonly MasterKey[],
    private readonly emulator: BuiltinEmulatorLink,
    /** Told after every write, so cached provider rows never carry an old credential. */
    private readonly changed: () => void = () => {},
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

  /** Seals a secret for a row and the client id and upstream it is for: ciphertext, key id, fingerprint. */
  sealFor(binding: Binding, secret: string) {
    const key = this.keys[0]!;
    return {
      secretCiphertext: seal(secret, key, secretAad(binding)),
      secretKeyId: key.id,
      secretFingerprint: fingerprint(secret, key),
    };
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
      ...this.sealFor({ id, clientId, upstreamUrl }, input.clientSecret),
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
    nowAndAtEnd(this.changed);
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
        ? { ...this.sealFor({ id, clientId, upstreamUrl }, patch.clientSecret), secretSetAt: new Date(), secretSetBy: 'console' }
        : {}),
    };
    const row = await this.uniqueOrThrow(data.name ?? before.name, () =>
      this.db.credentialSet.update({ where: { id }, data, include: withCount }),
    );
    nowAndAtEnd(this.changed);
    await afterCommit(async () => {
      if (before.upstreamUrl === BUILTIN_EMULATOR) this.emulator.removeCredential(before.clientId);
      this.syncEmulator(row, this.openSecret(row));
      if (before.upstreamUrl === BUILTIN_EMULATOR || row.upstreamUrl === BUILTIN_EMULATOR) await this.syncProvidersOf(id);
    });
    return toCredentialView(row);
  }

  /** Replaces the secret and nothing else. */
  async rotateSecret(id: string, secret: string): Promise<CredentialView> {
    const before = await this.getRow(id);
    const row = await this.db.credentialSet.update({
      where: { id },
      data: { ...this.sealFor(before, secret), secretSetAt: new Date(), secretSetBy: 'console' },
      include: withCount,
    });
    nowAndAtEnd(this.changed);
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
    nowAndAtEnd(this.changed);
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
   * The one place a secret is opened: only for the client id and upstream it was sealed for. A row whose
   * client id or upstream was changed without the secret (in the database) does not open.
   */
  openSecret(row: Binding & Pick<CredentialSet, 'secretCiphertext' | 'name'>): Secret {
    try {
      return this.openBound(row);
    } catch (err) {
      if (!(err instanceof SecretBoxError)) throw err;
      throw new DomainError(
        'credential/secret_unusable',
        `The stored secret of credential set "${row.name}" cannot be used: ${err.message}. Enter its client secret again (Replace secret).`,
      );
    }
  }

  private openBound(row: Binding & Pick<CredentialSet, 'secretCiphertext'>): Secret {
    try {
      return new Secret(open(row.secretCiphertext, this.keys, secretAad(row)));
    } catch (err) {
      if (err instanceof SecretBoxError && /failed authentication/.test(err.message)) {
        throw new SecretBoxError(`${err.message}, or its client id or upstream was changed without re-entering the secret`);
      }
      throw err;
    }
  }

  /**
   * Secrets stored before they were bound to their client id and upstream are re-sealed with the binding, once,
   * in one transaction; then a setting records it, and no unbound secret opens again (an old ciphertext put
   * back into a row cannot be re-bound to a client id or upstream someone changed).
   */
  async bindLegacySecrets(): Promise<number> {
    if ((await this.db.setting.findUnique({ where: { key: BINDING_SETTING } }))?.value === BINDING_VERSION) return 0;
    const rows = await this.db.credentialSet.findMany();
    const legacy = rows.flatMap((row) => {
      try {
        this.openBound(row);
        return [];
      } catch {
        try {
          return [{ row, secret: open(row.secretCiphertext, this.keys, legacyAad(row)) }];
        } catch {
          return []; // opens neither way: checkAllSecrets names it
        }
      }
    });
    await this.db.$transaction([
      ...legacy.map(({ row, secret }) =>
        this.db.credentialSet.update({
          where: { id: row.id },
          data: { secretCiphertext: seal(secret, this.keys[0]!, secretAad(row)), secretKeyId: this.keys[0]!.id },
        }),
      ),
      this.db.setting.upsert({
        where: { key: BINDING_SETTING },
        create: { key: BINDING_SETTING, value: BINDING_VERSION },
        update: { value: BINDING_VERSION },
      }),
    ]);
    if (legacy.length) this.changed();
    return legacy.length;
  }

  /** Opens every stored secret once, so a missing or wrong master key stops the start with a clear message. */
  async checkAllSecrets(): Promise<number> {
    await this.bindLegacySecrets();
    const rows = await this.db.credentialSet.findMany({
      select: { id: true, name: true, clientId: true, upstreamUrl: true, secretCiphertext: true },
    });
    for (const row of rows) {
      try {
        this.openBound(row);
      } catch (err) {
        if (err instanceof SecretBoxError) throw new SecretBoxError(`credential set "${row.name}": ${err.message}`);
        throw err;
      }
    }
    return rows.length;
  }

  /** Re-seals every secret not under the current key (master key rotation), all or nothing. */
  async resealAll(): Promise<{ resealed: number; total: number }> {
    await this.bindLegacySecrets();
    const current = this.keys[0]!;
    const rows = await this.db.credentialSet.findMany();
    const stale = rows.filter((r) => r.secretKeyId !== current.id);
    // Open everything first: a single unreadable row stops the rotation before anything is written.
    const opened = stale.map((row) => ({ row, secret: this.openBound(row) }));
    await this.db.$transaction(
      opened.map(({ row, secret }) =>
        this.db.credentialSet.update({
          where: { id: row.id },
          data: { secretCiphertext: seal(secret.reveal(), current, secretAad(row)), secretKeyId: current.id },
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
