// The Playground history: what a user minted, newest first, and the tokens they chose to keep.
import { Type, type Static } from 'typebox';
import { Uuid } from './common.js';
import type { TokenRequestBody } from './tokens.js';

export const HistoryQuerySchema = Type.Object(
  {
    providerId: Type.Optional(Uuid()),
    limit: Type.Optional(Type.String({ pattern: '^(?:[1-9]\\d?|1\\d\\d|200)$', description: '1 to 200 (default 50)' })),
    before: Type.Optional(Type.String({ format: 'date-time', description: 'Page: entries older than this createdAt' })),
  },
  { additionalProperties: false },
);
export type HistoryQuery = Static<typeof HistoryQuerySchema>;

export const HistoryEntrySchema = Type.Object({
  id: Type.String(),
  providerId: Type.Union([Type.String(), Type.Null()]),
  providerName: Type.String(),
  actor: Type.String(),
  // Stored as the request was sent: open here so an older row with another shape still goes out.
  params: Type.Unsafe<TokenRequestBody>(Type.Object({}, { additionalProperties: true })),
  jti: Type.Union([Type.String(), Type.Null()]),
  sub: Type.Union([Type.String(), Type.Null()]),
  exp: Type.Union([Type.String(), Type.Null()]),
  outcome: Type.String(),
  latencyMs: Type.Number(),
  /** True while a kept token is still valid and can be fetched. */
  tokenKept: Type.Boolean(),
  createdAt: Type.String(),
});
export type HistoryEntry = Static<typeof HistoryEntrySchema>;
export const HistoryListSchema = Type.Array(HistoryEntrySchema);

/** GET /api/history/:id/token. */
export const KeptTokenSchema = Type.Object({ token: Type.String() });
export type KeptToken = Static<typeof KeptTokenSchema>;
