// The one table of who may do what. The server checks every route's declared permission against it;
// the SPA receives the same list to hide what a role cannot do (hiding is never the protection).
import { ROLES, type Permission, type Role } from '../contract/permissions.js';

/**
 * Support's permissions apply only on the providers they are granted (routes marked providerScoped, and
 * lists filtered by the grants).
 */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  owner: [
    'credential:read',
    'credential:write',
    'credential:verify',
    'provider:read',
    'provider:write',
    'token:mint',
    'token:check',
    'history:read',
    'preset:read',
    'preset:write',
    'config:export',
    'config:import',
    'user:read',
    'user:manage',
    'audit:read',
    'audit:manage',
    'apikey:manage',
    'ops:read',
  ],
  admin: [
    'credential:read',
    'credential:write',
    'credential:verify',
    'provider:read',
    'provider:write',
    'token:mint',
    'token:check',
    'history:read',
    'preset:read',
    'preset:write',
    'config:export',
    'config:import',
    'user:read',
    'user:manage',
    'audit:read',
    'apikey:manage',
    'ops:read',
  ],
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
