// SAT providers: Frame's "Anonymous Access Providers", each bound to a credential set.
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/client.js';
import { PRISMA_UNIQUE_VIOLATION, prismaCode, sqlOf } from '../db/client.js';
import type { Generations } from '../db/generations.js';
import type { CredentialSet, Provider } from '../db/models.js';
import { tokenUri, type EntityLevel } from '../frame/entity.js';
import { DomainError } from '../errors.js';
import type { BuiltinEmulatorLink } from './builtin-emulator.js';
import { afterCommit, nowAndAtEnd } from '../db/unit-of-work.js';
import { PROVIDER_DEFAULT_SORT, type ProviderSortKey, type ProviderView } from '../contract/providers.js';
import { BUILTIN_EMULATOR, environmentOf, upstreamLabel } from './upstreams.js';

export interface ProviderInput {
  name?: string | undefined;
  description?: string | undefined;
  tokenDurationMin: number;
  entityLevel: EntityLevel;
  entityId: string;
  credentialSetId: string;
  tags?: string[] | undefined;
}

export type ProviderPatch = Partial<ProviderInput>;

export interface ProviderQuery {
  q?: string | undefined;
  sort?: ProviderSortKey | undefined;
  order?: 'asc' | 'desc' | undefined;
  upstream?: string | undefined;
  credentialSetId?: string | undefined;
  tag?: string | undefined;
}

export type ProviderRow = Provider & { credentialSet: CredentialSet };

export function parseTags(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((t): t is string => typeof t === 'string') : [];
  } catch {
    return [];
  }
}

/** Trimmed, lower-cased, de-duplicated, sorted: one spelling per tag. */
export function normaliseTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((t) => t.trim().toLowerCase()).filter(Boolean))].sort();
}

export class ProviderService {
  /** Provider rows with their credential set, for the mint path; cleared on every write, here or on another replica. */
  private all: ProviderRow[] | null = null;
  /** Bumped by every invalidate(): a read that started before a write must not fill the caches. */
  private generation = 0;
  private readonly rows = new Map<string, ProviderRow>();
  /** Views of cached rows: the list is the console's busiest read and builds one view per provider. */
  private readonly views = new WeakMap<ProviderRow, { base: string | undefined; view: ProviderView }>();

  constructor(
    private readonly db: Db,
    private readonly emulator: BuiltinEmulatorLink,
    private readonly generations?: Generations,
  ) {}

  /**
   * After a write to providers or credential sets: this process forgets its cached rows now (and again when
   * the unit of work ends), and the write tells the other replicas, in its transaction.
   */
  async changed(): Promise<void> {
    nowAndAtEnd(() => this.invalidate());
    await this.generations?.bump('providers');
  }

  /** Forget cached rows: called after any write to providers or credential sets. */
  invalidate(): void {
    this.rows.clear();
    this.all = null;
    this.generation++;
  }

  /** The base URL the credential set's requests go to, resolving the built-in emulator. */
  resolveBaseUrl(upstreamUrl: string): string | undefined {
    return upstreamUrl === BUILTIN_EMULATOR ? this.emulator.baseUrl() : upstreamUrl;
  }

  /** The view of a row, built once per row object (rows are replaced, never changed, on writes). */
  toView(row: ProviderRow): ProviderView {
    const base = this.resolveBaseUrl(row.credentialSet.upstreamUrl);
    const cached = this.views.get(row);
    if (cached && cached.base === base) return cached.view;
    // Shared by every request that lists this row: frozen, so no caller can change another's answer.
    const view = Object.freeze(this.buildView(row, base));
    Object.freeze(view.tags);
    this.views.set(row, { base, view });
    return view;
  }

  private buildView(row: ProviderRow, base: string | undefined): ProviderView {
    return {
      id: row.id,
      name: row.name,
      description: row.description,
      tokenDurationMin: row.tokenDurationMin,
      entityLevel: row.entityLevel,
      entityId: row.entityId,
      tags: parseTags(row.tags),
      credentialSetId: row.credentialSetId,
      credentialSetName: row.credentialSet.name,
      clientId: row.credentialSet.clientId,
      upstreamUrl: row.credentialSet.upstreamUrl,
      upstreamLabel: upstreamLabel(row.credentialSet.upstreamUrl),
      environment: environmentOf(row.credentialSet.upstreamUrl),
      tokenUri: base ? tokenUri(base, { level: row.entityLevel as EntityLevel, entityId: row.entityId, providerName: row.name }) : null,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    };
  }

  /**
   * Search, filter and sort in memory over every provider, read once and kept until the next write
   * (invalidate()): a console has hundreds of providers, not millions, and the list is its busiest read.
   * Search is case-insensitive (as SQLite's LIKE is for ASCII); sorting compares code units, then names.
   */
  async list(query: ProviderQuery = {}): Promise<ProviderView[]> {
    let all = this.all;
    if (!all) {
      const generation = this.generation;
      all = await this.db.provider.findMany({ include: { credentialSet: true } });
      if (generation === this.generation) this.all = all;
    }
    const q = query.q?.trim().toLowerCase();
    const tag = query.tag?.trim().toLowerCase();
    const matches = all.filter(
      (r) =>
        (!query.credentialSetId || r.credentialSetId === query.credentialSetId) &&
        (!query.upstream || r.credentialSet.upstreamUrl === query.upstream) &&
        (!q || [r.name, r.description, r.entityId, r.tags].some((field) => field.toLowerCase().includes(q))),
    );
    const key = query.sort ?? PROVIDER_DEFAULT_SORT;
    const direction = query.order === 'desc' ? -1 : 1;
    const value = (r: ProviderRow) => {
      const v = r[key];
      return v instanceof Date ? v.getTime() : v;
    };
    matches.sort((a, b) => {
      const x = value(a);
      const y = value(b);
      if (x !== y) return (x < y ? -1 : 1) * direction;
      return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
    });
    return matches.map((r) => this.toView(r)).filter((p) => !tag || p.tags.includes(tag));
  }

  async getRow(id: string): Promise<ProviderRow> {
    const cached = this.rows.get(id);
    if (cached) return cached;
    const generation = this.generation;
    const row = await this.db.provider.findUnique({ where: { id }, include: { credentialSet: true } });
    if (!row) throw new DomainError('provider/not_found', `No provider has id ${id}.`);
    if (this.rows.size > 10_000) this.rows.clear();
    if (generation === this.generation) this.rows.set(id, row);
    return row;
  }

  async get(id: string): Promise<ProviderView> {
    return this.toView(await this.getRow(id));
  }

  async credentialOrThrow(id: string): Promise<CredentialSet> {
    const credential = await this.db.credentialSet.findUnique({ where: { id } });
    if (!credential)
      throw new DomainError('request/invalid', `No credential set has id ${id}.`, [
        { field: 'credentialSetId', message: 'choose an existing credential set' },
      ]);
    return credential;
  }

  /** The data of a new row, for create and import alike. */
  newRowData(input: ProviderInput, id: string = randomUUID()) {
    return {
      id,
      name: input.name ?? `secure-anon-${randomUUID()}`,
      description: input.description ?? '',
      tokenDurationMin: input.tokenDurationMin,
      entityLevel: input.entityLevel,
      entityId: input.entityId.toLowerCase(),
      tags: JSON.stringify(normaliseTags(input.tags ?? [])),
      credentialSetId: input.credentialSetId,
    };
  }

  async create(input: ProviderInput): Promise<ProviderView> {
    await this.credentialOrThrow(input.credentialSetId);
    const data = this.newRowData(input);
    const row = await this.uniqueOrThrow(data.name, () => this.db.provider.create({ data, include: { credentialSet: true } }));
    await this.changed();
    await afterCommit(() => this.syncEmulator(row));
    return this.toView(row);
  }

  async update(id: string, patch: ProviderPatch): Promise<ProviderView> {
    const before = await this.getRow(id);
    if (patch.credentialSetId) await this.credentialOrThrow(patch.credentialSetId);
    const data = {
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      ...(patch.tokenDurationMin !== undefined ? { tokenDurationMin: patch.tokenDurationMin } : {}),
      ...(patch.entityLevel !== undefined ? { entityLevel: patch.entityLevel } : {}),
      ...(patch.entityId !== undefined ? { entityId: patch.entityId.toLowerCase() } : {}),
      ...(patch.tags !== undefined ? { tags: JSON.stringify(normaliseTags(patch.tags)) } : {}),
      ...(patch.credentialSetId !== undefined ? { credentialSetId: patch.credentialSetId } : {}),
    };
    const row = await this.uniqueOrThrow(data.name ?? before.name, () =>
      this.db.provider.update({ where: { id }, data, include: { credentialSet: true } }),
    );
    await this.changed();
    await afterCommit(() => {
      if (before.credentialSet.upstreamUrl === BUILTIN_EMULATOR) this.emulator.removeProvider(before);
      this.syncEmulator(row);
    });
    return this.toView(row);
  }

  async remove(id: string): Promise<void> {
    const row = await this.getRow(id);
    await this.db.provider.delete({ where: { id } });
    await this.changed();
    await afterCommit(() => {
      if (row.credentialSet.upstreamUrl === BUILTIN_EMULATOR) this.emulator.removeProvider(row);
    });
  }

  async firstOf(credentialSetId: string): Promise<Provider | null> {
    return this.db.provider.findFirst({ where: { credentialSetId }, orderBy: { createdAt: 'asc' } });
  }

  /** Every tag in use on the providers in scope, for the filter menu (a support user's grants limit it). */
  async tags(scope: ReadonlySet<string> | 'all' = 'all'): Promise<string[]> {
    const rows = await this.db.provider.findMany({
      select: { tags: true },
      ...(scope === 'all' ? {} : { where: { id: { in: [...scope] } } }),
    });
    return normaliseTags(rows.flatMap((r) => parseTags(r.tags)));
  }

  syncEmulator(row: ProviderRow): void {
    if (row.credentialSet.upstreamUrl === BUILTIN_EMULATOR) this.emulator.syncProvider(row);
  }

  private async uniqueOrThrow<T>(name: string, write: () => Promise<T>): Promise<T> {
    try {
      // In a savepoint: the lookup below runs in the same transaction, which a failed write would have aborted.
      return await sqlOf(this.db).savepoint(write);
    } catch (err) {
      if (prismaCode(err) === PRISMA_UNIQUE_VIOLATION) {
        // Name where the existing one is: a provider added on the wrong credential set (the emulator's, say)
        // is fixed by editing it, not by adding it again.
        const existing = await this.db.provider.findUnique({ where: { name }, include: { credentialSet: { select: { name: true } } } });
        const where = existing ? ` on credential set "${existing.credentialSet.name}"` : '';
        throw new DomainError(
          'provider/duplicate',
          `A provider named ${name} is already in the console${where}: edit that one (its credential set can be changed) instead of adding it again.`,
          [{ field: 'name', message: `this provider is already in the console${where}` }],
        );
      }
      throw err;
    }
  }
}
