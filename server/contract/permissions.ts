// Who may do what, as the API states it: the roles and the permissions a route declares. Browser-safe: the SPA
// reads the same lists. Which role holds which permission is server/auth/roles.ts.

export const ROLES = ['owner', 'admin', 'support', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/**
 * 'public' needs nothing; 'session' needs any signed-in user; 'broker:mint' is for API keys only; 'ops:read'
 * (metrics, detailed readiness) also takes the operator's OPS_TOKEN as a bearer token, for scrapers.
 */
export const PERMISSIONS = [
  'public',
  'session',
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
  'broker:mint',
  'ops:read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export function isPermission(value: unknown): value is Permission {
  return typeof value === 'string' && (PERMISSIONS as readonly string[]).includes(value);
}
