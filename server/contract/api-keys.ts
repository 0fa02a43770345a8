// Token-broker API keys: scoped to providers, shown once, listed by prefix.
import { Type, type Static } from 'typebox';
import { ProviderIdsSchema } from './common.js';

/** A token-broker API key as listed: never the key, only its prefix. */
export const ApiKeyViewSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  prefix: Type.String({ description: 'The start of the key, to recognise it; the key itself is shown once' }),
  providerIds: Type.Array(Type.String()),
  rateLimitPerMinute: Type.Integer(),
  createdAt: Type.String(),
  expiresAt: Type.Union([Type.String(), Type.Null()]),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
  lastUsedAt: Type.Union([Type.String(), Type.Null()]),
  state: Type.Enum(['active', 'expired', 'revoked']),
});
export type ApiKeyView = Static<typeof ApiKeyViewSchema>;
export const ApiKeyListSchema = Type.Array(ApiKeyViewSchema);

export const CreateApiKeyBodySchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 80, pattern: '\\S' }),
    providerIds: ProviderIdsSchema,
    expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
    rateLimitPerMinute: Type.Optional(Type.Integer({ minimum: 1, maximum: 6000 })),
  },
  { additionalProperties: false },
);
export type CreateApiKeyBody = Static<typeof CreateApiKeyBodySchema>;

/** POST /api/api-keys: the key, in this answer and nowhere else, ever. */
export const CreatedApiKeySchema = Type.Object({ key: Type.String(), apiKey: ApiKeyViewSchema });
export type CreatedApiKey = Static<typeof CreatedApiKeySchema>;
