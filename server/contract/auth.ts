// Sessions: sign-in and out, the owner's set-up, password changes.
import { Type, type Static } from 'typebox';
import { RoleSchema } from './common.js';

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

export const EmailSchema = Type.String({ minLength: 3, maxLength: 254, pattern: '^[^\\s@]+@[^\\s@]+$', description: 'Email address' });
export const PasswordSchema = Type.String({
  minLength: 1,
  maxLength: MAX_PASSWORD_LENGTH,
  description: `At least ${MIN_PASSWORD_LENGTH} characters, not a common password`,
});
export const PersonNameSchema = Type.String({ maxLength: 100 });

export const SessionViewSchema = Type.Object({
  signedIn: Type.Boolean(),
  needsSetup: Type.Boolean({ description: 'No user exists yet: the first one to sign up becomes the owner' }),
  sessionEnded: Type.Optional(
    Type.Boolean({
      description: 'Signed out because the session this browser presented has ended (expired, revoked, signed out elsewhere)',
    }),
  ),
  user: Type.Optional(Type.Object({ id: Type.String(), email: Type.String(), role: RoleSchema })),
  permissions: Type.Optional(Type.Array(Type.String())),
  grants: Type.Optional(
    Type.Union([Type.Array(Type.String()), Type.Null()], { description: 'Providers a support user may use; null means all' }),
  ),
  csrfToken: Type.Optional(Type.String({ description: 'Send as X-CSRF-Token on every change' })),
  idleTimeoutSeconds: Type.Optional(Type.Integer()),
  expiresAt: Type.Optional(Type.String({ format: 'date-time', description: 'When the session ends however active it is' })),
});
export type SessionView = Static<typeof SessionViewSchema>;

export const SignInBodySchema = Type.Object({ email: EmailSchema, password: PasswordSchema }, { additionalProperties: false });
export type SignInBody = Static<typeof SignInBodySchema>;

export const SetupBodySchema = Type.Object(
  {
    email: EmailSchema,
    password: PasswordSchema,
    name: Type.Optional(PersonNameSchema),
    setupCode: Type.Optional(Type.String({ maxLength: 40, description: "The one-time code printed in the console's log at start" })),
  },
  { additionalProperties: false },
);
export type SetupBody = Static<typeof SetupBodySchema>;

export const ChangePasswordBodySchema = Type.Object(
  { currentPassword: PasswordSchema, newPassword: PasswordSchema },
  { additionalProperties: false },
);
export type ChangePasswordBody = Static<typeof ChangePasswordBodySchema>;
