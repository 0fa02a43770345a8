// What the console knows of a user right now: read by a session on its first use and by a running bulk job
// at each re-check. Its own module so the session service and the account services both take it from here,
// instead of the session service calling back into the user service (a cycle wired with a setter).
import type { Db } from '../db/client.js';
import { GRANT_LIMITED } from '../auth/roles.js';
import { isRole, type Role } from '../contract/permissions.js';

export interface UserStatus {
  email: string;
  role: Role;
  disabled: boolean;
  grants: ReadonlySet<string> | 'all';
}

/** The user's email, role, status and grants as stored now; null when there is no such user (or its role is unknown). */
export async function readUserStatus(db: Db, userId: string): Promise<UserStatus | null> {
  const user = await db.user.findUnique({ where: { id: userId }, include: { grants: { select: { providerId: true } } } });
  if (!user || !isRole(user.role)) return null;
  return {
    email: user.email,
    role: user.role,
    disabled: user.disabledAt !== null,
    grants: GRANT_LIMITED.has(user.role) ? new Set(user.grants.map((g) => g.providerId)) : 'all',
  };
}
