// Every route declares the permission it needs in its config; server/auth/roles.ts maps roles to these.
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

declare module 'fastify' {
  interface FastifyContextConfig {
    permission?: Permission;
    /** The route's `:id` is a provider id: a support user needs a grant on it. */
    providerScoped?: boolean;
  }
}
