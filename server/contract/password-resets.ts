// Password-reset links: issued by owners and admins (users screen), looked up and used through their link.
import { Type, type Static } from 'typebox';
import { LinkTokenSchema } from './common.js';
import { PasswordSchema } from './auth.js';

/** POST /api/users/:id/password-reset: the link token, in this answer only. */
export const CreatedPasswordResetSchema = Type.Object({
  token: Type.String(),
  email: Type.String(),
  expiresAt: Type.String({ format: 'date-time' }),
});
export type CreatedPasswordReset = Static<typeof CreatedPasswordResetSchema>;

export const PasswordResetLookupBodySchema = Type.Object({ token: LinkTokenSchema }, { additionalProperties: false });
export type PasswordResetLookupBody = Static<typeof PasswordResetLookupBodySchema>;

/** POST /api/password-resets/lookup: whose password the link resets. */
export const PasswordResetInfoSchema = Type.Object({ email: Type.String(), expiresAt: Type.String({ format: 'date-time' }) });
export type PasswordResetInfo = Static<typeof PasswordResetInfoSchema>;

export const UsePasswordResetBodySchema = Type.Object(
  { token: LinkTokenSchema, password: PasswordSchema },
  { additionalProperties: false },
);
export type UsePasswordResetBody = Static<typeof UsePasswordResetBodySchema>;
