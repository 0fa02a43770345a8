// Users: everyone with an account, their role, grants and sign-in locks.
import { Type, type Static } from 'typebox';
import { ProviderIdsSchema, RoleSchema } from './common.js';

/** A console user as the users screen shows them (never a password hash). */
export const UserViewSchema = Type.Object({
  id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  role: RoleSchema,
  disabled: Type.Boolean(),
  providerIds: Type.Array(Type.String(), { description: 'Providers granted (support users)' }),
  createdAt: Type.String(),
  lockedUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description: 'While failed sign-ins keep browsers not used with the account before out: when that ends',
  }),
});
export type UserView = Static<typeof UserViewSchema>;
export const UserListSchema = Type.Array(UserViewSchema);

export const UpdateUserBodySchema = Type.Object(
  { role: Type.Optional(RoleSchema), disabled: Type.Optional(Type.Boolean()), name: Type.Optional(Type.String({ maxLength: 100 })) },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateUserBody = Static<typeof UpdateUserBodySchema>;

export const GrantsBodySchema = Type.Object({ providerIds: ProviderIdsSchema }, { additionalProperties: false });
export type GrantsBody = Static<typeof GrantsBodySchema>;
