// Every route declares the permission it needs in its config. Sign-in and roles come later; the table of
// permissions is the one source of truth the role map will be built on.
export const PERMISSIONS = [
  'public',
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
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export function isPermission(value: unknown): value is Permission {
  return typeof value === 'string' && (PERMISSIONS as readonly string[]).includes(value);
}

declare module 'fastify' {
  interface FastifyContextConfig {
    permission?: Permission;
  }
}
