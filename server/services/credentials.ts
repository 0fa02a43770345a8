// Credential sets: the only place a client secret is sealed or opened.
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/client.js';
import { PRISMA_UNIQUE_VIOLATION, prismaCode } from '../db/client.js';
import type { CredentialSet } from '../db/generated/client.js';
import { Secret } from '../crypto/secret.js';
import { aadFor, fingerprint, open, seal, type MasterKey } from '../crypto/secret-box.js';
import { AppError } from '../http/errors.js';
import type { EntityLevel } from '../frame/entity.js';
import type { BuiltinEmulatorLink } from './builtin-emulator.js';
import type { CredentialView } from '../api-types.js';
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
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    providerCount: row._count?.providers ?? 0,
  };
}

export class CredentialService {
  constructor(
    private readonly db: Db,
    /** The current master key first; older ones after it, for opening only. */
    private readonly keys: readonly MasterKey[],
    private readonly emulator: BuiltinEmulatorLink,
  ) {}

  async list(): Promise<CredentialView[]> {
    const rows = await this.db.credentialSet.findMany({ orderBy: { name: 'asc' }, include: { _count: { select: { providers: true } } } });
    return rows.map(toCredentialView);
  }

  async get(id: string): Promise<CredentialView> {
    const row = await this.db.credentialSet.findUnique({ where: { id }, include: { _count: { select: { providers: true } } } });
    if (!row) throw new AppError('credential/not_found', `No credential set has id ${id}.`);
    return toCredentialView(row);
  }

  async create(input: CredentialInput): Promise<CredentialView> {
    const upstream = normaliseUpstream(input.upstreamUrl);
    if (!upstream.ok) throw new AppError('request/invalid', upstream.message, [{ field: 'upstreamUrl', message: upstream.message }]);
    if (Boolean(input.entityLevel) !== Boolean(input.entityId)) {
      const message = 'give both the entity level and the entity id of the scope, or neither';
      throw new AppError('request/invalid', message, [{ field: input.entityLevel ? 'entityId' : 'entityLevel', message }]);
    }
    const id = randomUUID();
    const key = this.keys[0]!;
    const now = new Date();
    try {
      const row = await this.db.credentialSet.create({
        data: {
          id,
          name: input.name.trim(),
          clientId: input.clientId.trim(),
          secretCiphertext: seal(input.clientSecret, key, aadFor(TABLE, id, SECRET_FIELD)),
          secretKeyId: key.id,
          secretFingerprint: fingerprint(input.clientSecret, key),
          secretSetAt: now,
          upstreamUrl: upstream.url,
          entityLevel: input.entityLevel ?? null,
          entityId: input.entityId ?? null,
          notes: input.notes ?? '',
        },
      });
      if (row.upstreamUrl === BUILTIN_EMULATOR) this.emulator.syncCredential(row, new Secret(input.clientSecret));
      return toCredentialView(row);
    } catch (err) {
      if (prismaCode(err) === PRISMA_UNIQUE_VIOLATION) {
        const byName = await this.db.credentialSet.findUnique({ where: { name: input.name.trim() } });
        if (byName) throw new AppError('credential/duplicate_name', `A credential set named "${input.name.trim()}" already exists; choose another name.`, [{ field: 'name', message: 'this name is taken' }]);
        throw new AppError('credential/duplicate_name', 'This client id is already stored for this upstream.', [{ field: 'clientId', message: 'already stored for this upstream' }]);
      }
      throw err;
    }
  }

  async remove(id: string): Promise<void> {
    const row = await this.db.credentialSet.findUnique({ where: { id }, include: { providers: { select: { id: true, name: true } } } });
    if (!row) throw new AppError('credential/not_found', `No credential set has id ${id}.`);
    if (row.providers.length > 0) {
      throw new AppError('credential/in_use', `${row.providers.length} provider(s) use this credential set; delete or move them first.`, undefined, { providers: row.providers });
    }
    await this.db.credentialSet.delete({ where: { id } });
    if (row.upstreamUrl === BUILTIN_EMULATOR) this.emulator.removeCredential(row.clientId);
  }

  /** The one place a secret is opened. */
  openSecret(row: Pick<CredentialSet, 'id' | 'secretCiphertext'>): Secret {
    return new Secret(open(row.secretCiphertext, this.keys, aadFor(TABLE, row.id, SECRET_FIELD)));
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
}
