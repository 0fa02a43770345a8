// The one table of who may do what. The server checks every route's declared permission against it;
// the SPA receives the same list to hide what a role cannot do (hiding is never the protection).
import { PERMISSIONS, ROLES, type Permission, type Role } from '../contract/permissions.js';

/** Permissions no role holds: 'public' and 'session' need no role, 'broker:mint' is for API keys only. */
const NOT_A_ROLE_PERMISSION: ReadonlySet<Permission> = new Set(['public', 'session', 'broker:mint']);

/** The owner holds every permission a person can hold. */
const OWNER: readonly Permission[] = PERMISSIONS.filter((p) => !NOT_A_ROLE_PERMISSION.has(p));

/** What only an owner may do. A new permission reaches owners and admins unless it is listed here. */
const OWNER_ONLY: ReadonlySet<Permission> = new Set(['audit:manage']);

/** Support's permissions apply only on the providers they are granted (routes marked providerScoped, and lists filtered by the grants). */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  owner: OWNER,
  admin: OWNER.filter((p) => !OWNER_ONLY.has(p)),
  support: ['provider:read', 'token:mint', 'token:check', 'history:read', 'preset:read'],
  viewer: ['provider:read', 'preset:read'],
};

/** Roles whose access to providers is limited to their grants. */
export const GRANT_LIMITED: ReadonlySet<Role> = new Set(['support']);

/** Roles an actor may give or take away: only an owner touches owners and admins. */
export function assignableRoles(actor: Role): readonly Role[] {
  return actor === 'owner' ? ROLES : actor === 'admin' ? ['support', 'viewer'] : [];
}

export function roleAllows(role: Role, permission: Permission): boolean {
  if (permission === 'public' || permission === 'session') return true;
  return ROLE_PERMISSIONS[role].includes(permission);
}
