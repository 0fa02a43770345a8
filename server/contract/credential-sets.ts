// Credential sets: a Frame API client id and its write-only secret, for one upstream.
import { Type, type Static } from 'typebox';
import { Uuid } from './common.js';
import { CredentialFields, EntityLevelSchema } from './fields.js';

/** The response is an allow-list: no field can carry the secret or its ciphertext. */
export const CredentialViewSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  clientId: Type.String(),
  upstreamUrl: Type.String(),
  entityLevel: Type.Union([Type.String(), Type.Null()]),
  entityId: Type.Union([Type.String(), Type.Null()]),
  notes: Type.String(),
  secretFingerprint: Type.String({ description: 'Short HMAC-derived id of the secret; the secret itself is never shown again' }),
  secretSetAt: Type.String({ format: 'date-time' }),
  secretSetBy: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  providerCount: Type.Integer(),
});
export type CredentialView = Static<typeof CredentialViewSchema>;
export const CredentialListSchema = Type.Array(CredentialViewSchema);

const { name: Name, clientId: ClientId, clientSecret: ClientSecret, upstreamUrl: UpstreamUrl, notes: Notes } = CredentialFields;

export const CreateCredentialBodySchema = Type.Object(
  {
    name: Name,
    clientId: ClientId,
    clientSecret: ClientSecret,
    upstreamUrl: UpstreamUrl,
    entityLevel: Type.Optional(EntityLevelSchema),
    entityId: Type.Optional(Uuid('Entity the credential was issued for')),
    notes: Type.Optional(Notes),
  },
  { additionalProperties: false },
);
export type CreateCredentialBody = Static<typeof CreateCredentialBodySchema>;

export const UpdateCredentialBodySchema = Type.Object(
  {
    name: Type.Optional(Name),
    clientId: Type.Optional(ClientId),
    upstreamUrl: Type.Optional(UpstreamUrl),
    entityLevel: Type.Optional(Type.Union([EntityLevelSchema, Type.Null()])),
    entityId: Type.Optional(Type.Union([Uuid(), Type.Null()])),
    notes: Type.Optional(Notes),
    clientSecret: Type.Optional({
      ...ClientSecret,
      description: 'Required when clientId or upstreamUrl changes: the secret is bound to both',
    }),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    description:
      'Change a credential set; changing its client id or upstream needs the client secret again. Replace the secret alone with PUT …/secret',
  },
);
export type UpdateCredentialBody = Static<typeof UpdateCredentialBodySchema>;

export const ReplaceSecretBodySchema = Type.Object({ clientSecret: ClientSecret }, { additionalProperties: false });
export type ReplaceSecretBody = Static<typeof ReplaceSecretBodySchema>;

export const DeleteCredentialQuerySchema = Type.Object(
  {
    providers: Type.Optional(
      Type.Enum(['refuse', 'delete', 'move'], { description: 'What to do with the providers that use it (default refuse → 409)' }),
    ),
    moveTo: Type.Optional(Uuid('Credential set that takes the providers, with providers=move')),
  },
  { additionalProperties: false },
);
export type DeleteCredentialQuery = Static<typeof DeleteCredentialQuerySchema>;

export const DeleteCredentialResultSchema = Type.Object({ deletedProviders: Type.Integer(), movedProviders: Type.Integer() });
export type DeleteCredentialResult = Static<typeof DeleteCredentialResultSchema>;

export const VerifyCredentialBodySchema = Type.Object(
  { providerId: Type.Optional(Uuid('Provider to mint against; the first one of this set when absent')) },
  { additionalProperties: false },
);
export type VerifyCredentialBody = Static<typeof VerifyCredentialBodySchema>;

/** What "Verify" on a credential set found. Frame has no signature-only call, so verification mints a token. */
export const VerifyResultSchema = Type.Object({
  method: Type.Literal('mint'),
  providerId: Type.String(),
  providerName: Type.String(),
  signature: Type.Enum(['accepted', 'rejected', 'unknown']),
  /** The upstream client's outcome kind, e.g. ok, bad_signature, clock_skew, timeout. */
  outcome: Type.String(),
  message: Type.String(),
  status: Type.Union([Type.Integer(), Type.Null()]),
  latencyMs: Type.Number(),
  clockOffsetSeconds: Type.Union([Type.Integer(), Type.Null()]),
});
export type VerifyResult = Static<typeof VerifyResultSchema>;
