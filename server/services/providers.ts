// SAT providers: Frame's "Anonymous Access Providers", each bound to a credential set.
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/client.js';
import { PRISMA_UNIQUE_VIOLATION, prismaCode } from '../db/client.js';
import type { CredentialSet, Provider } from '../db/generated/client.js';
import { tokenUri, type EntityLevel } from '../frame/entity.js';
import { AppError } from '../http/errors.js';
import type { BuiltinEmulatorLink } from './builtin-emulator.js';
import type { ProviderView } from '../api-types.js';
import { BUILTIN_EMULATOR, upstreamLabel } from './upstreams.js';

export interface ProviderInput {
  name?: string | undefined;
  description?: string | undefined;
  tokenDurationMin: number;
  entityLevel: EntityLevel;
  entityId: string;
  credentialSetId: string;
}

type ProviderRow = Provider & { credentialSet: CredentialSet };

export class ProviderService {
  constructor(
    private readonly db: Db,
    private readonly emulator: BuiltinEmulatorLink,
  ) {}

  /** The base URL the credential set's requests go to, resolving the built-in emulator. */
  resolveBaseUrl(upstreamUrl: string): string | undefined {
    return upstreamUrl === BUILTIN_EMULATOR ? this.emulator.baseUrl() : upstreamUrl;
  }

  toView(row: ProviderRow): ProviderView {
    const base = this.resolveBaseUrl(row.credentialSet.upstreamUrl);
    return {
      id: row.id,
      name: row.name,
      description: row.description,
      tokenDurationMin: row.tokenDurationMin,
      entityLevel: row.entityLevel,
      entityId: row.entityId,
      credentialSetId: row.credentialSetId,
      credentialSetName: row.credentialSet.name,
      upstreamUrl: row.credentialSet.upstreamUrl,
      upstreamLabel: upstreamLabel(row.credentialSet.upstreamUrl),
      tokenUri: base ? tokenUri(base, { level: row.entityLevel as EntityLevel, entityId: row.entityId, providerName: row.name }) : null,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    };
  }

  async list(): Promise<ProviderView[]> {
    const rows = await this.db.provider.findMany({ include: { credentialSet: true }, orderBy: [{ description: 'asc' }, { name: 'asc' }] });
    return rows.map((r) => this.toView(r));
  }

  async getRow(id: string): Promise<ProviderRow> {
    const row = await this.db.provider.findUnique({ where: { id }, include: { credentialSet: true } });
    if (!row) throw new AppError('provider/not_found', `No provider has id ${id}.`);
    return row;
  }

  async get(id: string): Promise<ProviderView> {
    return this.toView(await this.getRow(id));
  }

  async create(input: ProviderInput): Promise<ProviderView> {
    const credential = await this.db.credentialSet.findUnique({ where: { id: input.credentialSetId } });
    if (!credential) {
      throw new AppError('request/invalid', `No credential set has id ${input.credentialSetId}.`, [{ field: 'credentialSetId', message: 'choose an existing credential set' }]);
    }
    const name = input.name ?? `secure-anon-${randomUUID()}`;
    try {
      const row = await this.db.provider.create({
        data: {
          id: randomUUID(),
          name,
          description: input.description ?? '',
          tokenDurationMin: input.tokenDurationMin,
          entityLevel: input.entityLevel,
          entityId: input.entityId.toLowerCase(),
          credentialSetId: credential.id,
        },
        include: { credentialSet: true },
      });
      if (credential.upstreamUrl === BUILTIN_EMULATOR) this.emulator.syncProvider(row);
      return this.toView(row);
    } catch (err) {
      if (prismaCode(err) === PRISMA_UNIQUE_VIOLATION) {
        throw new AppError('provider/duplicate', `A provider named ${name} already exists.`, [{ field: 'name', message: 'this provider is already in the console' }]);
      }
      throw err;
    }
  }

  async remove(id: string): Promise<void> {
    const row = await this.getRow(id);
    await this.db.provider.delete({ where: { id } });
    if (row.credentialSet.upstreamUrl === BUILTIN_EMULATOR) this.emulator.removeProvider(row);
  }
}
