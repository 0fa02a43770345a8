// The one table of who may do what. The server checks every route's declared permission against it;
// the SPA receives the same list to hide what a role cannot do (hiding is never the protection).
import type { Permission } from '../http/permissions.js';

export const ROLES = ['owner', 'admin', 'support', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/**
 * 'public' needs nothing; 'session' needs any signed-in user; 'broker:mint' is for API keys only; 'ops:read'
 * (metrics, detailed readiness) also takes the operator's OPS_TOKEN as a bearer token, for scrapers.
 * Support's permissions apply only on the providers they are granted (routes marked providerScoped, and
 * lists filtered by the grants).
 */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  owner: [
    'credential:read', 'credential:write', 'credential:verify', 'provider:read', 'provider:write', 'token:mint', 'token:check',
    'history:read', 'preset:read', 'preset:write', 'config:export', 'config:import', 'user:read', 'user:manage', 'audit:read',
    'audit:manage', 'apikey:manage', 'ops:read',
  ],
  admin: [
    'credential:read', 'credential:write', 'credential:verify', 'provider:read', 'provider:write', 'token:mint', 'token:check',
    'history:read', 'preset:read', 'preset:write', 'config:export', 'config:import', 'user:read', 'user:manage', 'audit:read',
    'apikey:manage', 'ops:read',
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
