// Small helpers the account services share: a user row or user/not_found, the view of a user, the role the
// current actor acts with, and the check that providers to grant exist.
import type { Db } from '../db/client.js';
import type { User } from '../db/models.js';
import { DomainError } from '../errors.js';
import type { Role } from '../contract/permissions.js';
import { currentContext } from '../auth/context.js';
import type { UserView } from '../contract/users.js';

export async function userRow(db: Db, userId: string): Promise<User> {
  const user = await db.user.findUnique({ where: { id: userId } });
  if (!user) throw new DomainError('user/not_found', `No user has id ${userId}.`);
  return user;
}

export function userView(user: User, providerIds: string[], lockedUntil: number | null): UserView {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role as Role,
    disabled: user.disabledAt !== null,
    providerIds,
    createdAt: user.createdAt.toISOString(),
    lockedUntil: lockedUntil === null ? null : new Date(lockedUntil).toISOString(),
  };
}

/** The role of whoever acts now; the console itself (CLI, start-up) acts as an owner. */
export function actorRole(): Role {
  const { principal } = currentContext();
  return principal.kind === 'user' ? principal.role : 'owner';
}

/** request/invalid unless every provider to grant exists. */
export async function checkProvidersExist(db: Db, providerIds: string[]): Promise<void> {
  if (!providerIds.length) return;
  const found = await db.provider.count({ where: { id: { in: providerIds } } });
  if (found !== new Set(providerIds).size)
    throw new DomainError('request/invalid', 'One or more of the providers to grant do not exist.', [
      { field: 'providerIds', message: 'unknown provider' },
    ]);
}
