// Invitations: sent by owners and admins (users screen), looked up and accepted through their link.
import { Type, type Static } from 'typebox';
import { LinkTokenSchema, ProviderIdsSchema, RoleSchema } from './common.js';
import { PasswordSchema, PersonNameSchema } from './auth.js';

/** A pending invitation as owners and admins see it: never its token or the token's hash. */
export const InviteViewSchema = Type.Object({
  id: Type.String(),
  email: Type.String(),
  role: RoleSchema,
  providerIds: Type.Array(Type.String(), { description: 'Providers a support user gets on acceptance' }),
  invitedBy: Type.String({ description: 'Email of whoever sent it ("system" for the console itself)' }),
  createdAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.String({ format: 'date-time' }),
  revocable: Type.Boolean({ description: 'Whether you may revoke it: owners any, admins support and viewer invitations' }),
  /** Set in the answer to a revocation; null while pending. */
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
export type InviteView = Static<typeof InviteViewSchema>;
export const InviteListSchema = Type.Array(InviteViewSchema);

export const CreateInviteBodySchema = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: 254, pattern: '^[^\\s@]+@[^\\s@]+$' }),
    role: RoleSchema,
    providerIds: Type.Optional(ProviderIdsSchema),
  },
  { additionalProperties: false },
);
export type CreateInviteBody = Static<typeof CreateInviteBodySchema>;

/** POST /api/users/invites: the link token, in this answer only. */
export const CreatedInviteSchema = Type.Object({
  id: Type.String(),
  token: Type.String(),
  email: Type.String(),
  role: RoleSchema,
  expiresAt: Type.String(),
});
export type CreatedInvite = Static<typeof CreatedInviteSchema>;

// The invitation token travels in the body, never in the URL (common.ts).
const InviteToken = LinkTokenSchema;

export const InviteLookupBodySchema = Type.Object({ token: InviteToken }, { additionalProperties: false });
export type InviteLookupBody = Static<typeof InviteLookupBodySchema>;

/** POST /api/invites/lookup: who the link is for. */
export const InviteInfoSchema = Type.Object({ email: Type.String(), role: RoleSchema, expiresAt: Type.String() });
export type InviteInfo = Static<typeof InviteInfoSchema>;

export const AcceptInviteBodySchema = Type.Object(
  { token: InviteToken, password: PasswordSchema, name: Type.Optional(PersonNameSchema) },
  { additionalProperties: false },
);
export type AcceptInviteBody = Static<typeof AcceptInviteBodySchema>;
