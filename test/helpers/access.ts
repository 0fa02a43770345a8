// What a caller should get from a route, read from the role table (server/auth/roles.ts) the way the route
// guard reads it: one copy for the role matrix and the sweep.
import { roleAllows } from '../../server/auth/roles.js';
import type { Permission, Role } from '../../server/contract/permissions.js';

export type Caller =
  | { kind: 'user'; role: Role; granted?: boolean }
  | { kind: 'key'; valid: boolean }
  /** No session, or one that has expired. */
  | { kind: 'anonymous' | 'expired' };

/**
 * 'allowed' means anything but 401/403 (and never a 5xx). A user's grant matters only on a provider-scoped
 * route, and only when the caller says whether it has one.
 */
export function expectedAccess(caller: Caller, permission: Permission, providerScoped = false): 'allowed' | 401 | 403 {
  if (permission === 'public') return 'allowed';
  if (permission === 'broker:mint') return caller.kind === 'key' && caller.valid ? 'allowed' : 401;
  if (caller.kind !== 'user') return 401;
  if (!roleAllows(caller.role, permission)) return 403;
  if (providerScoped && caller.granted === false) return 403;
  return 'allowed';
}
