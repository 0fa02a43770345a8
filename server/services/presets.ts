// Playground presets: named parameter sets per provider, shared by everyone on the console.
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/client.js';
import { PRISMA_UNIQUE_VIOLATION, prismaCode, sqlOf } from '../db/client.js';
import type { Preset } from '../db/models.js';
import type { TokenRequestBody } from '../frame/token-body.js';
import { DomainError } from '../errors.js';
import type { PresetView } from '../contract/presets.js';
import type { ProviderService } from './providers.js';

function view(row: Preset): PresetView {
  return {
    id: row.id,
    providerId: row.providerId,
    name: row.name,
    params: JSON.parse(row.params) as TokenRequestBody,
    updatedAt: row.updatedAt.toISOString(),
  };
}

export class PresetService {
  constructor(
    private readonly db: Db,
    private readonly providers: ProviderService,
  ) {}

  async list(providerId: string): Promise<PresetView[]> {
    await this.providers.getRow(providerId);
    const rows = await this.db.preset.findMany({ where: { providerId }, orderBy: { name: 'asc' } });
    return rows.map(view);
  }

  /** Saves a preset; a preset of the same name on the provider is replaced (with replace=true) or refused. */
  async save(providerId: string, name: string, params: TokenRequestBody, replace: boolean): Promise<PresetView> {
    await this.providers.getRow(providerId);
    const trimmed = name.trim();
    const existing = await this.db.preset.findUnique({ where: { providerId_name: { providerId, name: trimmed } } });
    if (existing && replace)
      return view(await this.db.preset.update({ where: { id: existing.id }, data: { params: JSON.stringify(params) } }));
    try {
      return view(
        await sqlOf(this.db).savepoint(() =>
          this.db.preset.create({ data: { id: randomUUID(), providerId, name: trimmed, params: JSON.stringify(params) } }),
        ),
      );
    } catch (err) {
      if (prismaCode(err) === PRISMA_UNIQUE_VIOLATION) {
        throw new DomainError(
          'preset/duplicate',
          `This provider already has a preset named "${trimmed}"; choose another name or replace it.`,
          [{ field: 'name', message: 'this name is taken' }],
        );
      }
      throw err;
    }
  }

  async remove(id: string): Promise<void> {
    const found = await this.db.preset.findUnique({ where: { id } });
    if (!found) throw new DomainError('preset/not_found', `No preset has id ${id}.`);
    await this.db.preset.delete({ where: { id } });
  }
}
