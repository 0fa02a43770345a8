// Providers: a Secure Anonymous provider on an entity, minting through one credential set.
import { Type, type Static } from 'typebox';
import { Uuid } from './common.js';
import { ProviderFields as Fields } from './fields.js';

export const PROVIDER_SORT_KEYS = ['name', 'description', 'tokenDurationMin', 'createdAt', 'updatedAt'] as const;
export type ProviderSortKey = (typeof PROVIDER_SORT_KEYS)[number];
/**
 * Frame's console lists providers by name; so does ours unless asked otherwise. The type lets the SPA,
 * which imports the contract for its types only, name the same default (`'name' satisfies ...`).
 */
export type ProviderDefaultSort = Extract<ProviderSortKey, 'name'>;
export const PROVIDER_DEFAULT_SORT: ProviderDefaultSort = 'name';

export const ProviderViewSchema = Type.Object({
  id: Type.String(),
  name: Type.String({ description: 'secure-anon-<uuid>' }),
  description: Type.String(),
  tokenDurationMin: Type.Integer(),
  entityLevel: Type.String(),
  entityId: Type.String(),
  tags: Type.Array(Type.String()),
  credentialSetId: Type.String(),
  credentialSetName: Type.String(),
  /** The credential set's client id (not secret), for snippets. */
  clientId: Type.String(),
  upstreamUrl: Type.String(),
  upstreamLabel: Type.String(),
  environment: Type.String({ description: 'production, staging, emulator or custom' }),
  /** Full token URI as Frame's Playground shows it; null while the built-in emulator is not listening. */
  tokenUri: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type ProviderView = Static<typeof ProviderViewSchema>;
export const ProviderListSchema = Type.Array(ProviderViewSchema);

/** GET /api/provider-tags. */
export const ProviderTagsSchema = Type.Array(Type.String());

export const CreateProviderBodySchema = Type.Object(
  {
    name: Type.Optional(Fields.name),
    description: Type.Optional(Fields.description),
    tokenDurationMin: Fields.tokenDurationMin,
    entityLevel: Fields.entityLevel,
    entityId: Fields.entityId,
    credentialSetId: Fields.credentialSetId,
    tags: Type.Optional(Fields.tags),
  },
  { additionalProperties: false },
);
export type CreateProviderBody = Static<typeof CreateProviderBodySchema>;

export const UpdateProviderBodySchema = Type.Object(
  {
    name: Type.Optional(Fields.name),
    description: Type.Optional(Fields.description),
    tokenDurationMin: Type.Optional(Fields.tokenDurationMin),
    entityLevel: Type.Optional(Fields.entityLevel),
    entityId: Type.Optional(Fields.entityId),
    credentialSetId: Type.Optional(Fields.credentialSetId),
    tags: Type.Optional(Fields.tags),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateProviderBody = Static<typeof UpdateProviderBodySchema>;

export const ProviderListQuerySchema = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200, description: 'Search in name, description, entity id and tags' })),
    sort: Type.Optional(Type.Enum(PROVIDER_SORT_KEYS, { description: `Default ${PROVIDER_DEFAULT_SORT}, as in Frame's console` })),
    order: Type.Optional(Type.Enum(['asc', 'desc'])),
    upstream: Type.Optional(Type.String({ maxLength: 500, description: 'Only providers whose credential set uses this upstream' })),
    credentialSetId: Type.Optional(Uuid()),
    tag: Type.Optional(Type.String({ maxLength: 40 })),
  },
  { additionalProperties: false },
);
export type ProviderListQuery = Static<typeof ProviderListQuerySchema>;
