// Who may do what with a bulk job, as pure rules: the job's own re-checks, its results download and its
// progress view all decide here.
import { roleAllows, type Role } from '../auth/roles.js';
import type { Principal } from '../auth/context.js';
import type { ErrorCode } from '../http/errors.js';

/** What the console knows of a user right now (UserService.forSession); null when the user is gone. */
export interface MinterStatus {
  role: Role;
  disabled: boolean;
  grants: ReadonlySet<string> | 'all';
}

export interface Refusal {
  code: ErrorCode;
  /** Completes "<the user> ...", e.g. "was disabled". */
  reason: string;
}

/** Why this user may not mint on this provider now, or null when they may. */
export function mintRefusal(user: MinterStatus | null, providerId: string): Refusal | null {
  if (!user) return { code: 'auth/forbidden', reason: 'no longer exists' };
  if (user.disabled) return { code: 'auth/forbidden', reason: 'was disabled' };
  if (!roleAllows(user.role, 'token:mint')) return { code: 'auth/forbidden', reason: `has a role (${user.role}) that does not allow minting` };
  if (user.grants !== 'all' && !user.grants.has(providerId)) return { code: 'auth/not_granted', reason: 'no longer has a grant on this provider' };
  return null;
}

/**
 * Who may read the audit log, where every mint's parameters already are, sees every job's progress and may
 * cancel it (owners and admins, by the role table); others see only the jobs they started. The tokens
 * themselves go to the user who started the job, and to no one else.
 */
export function seesEveryJob(principal: Principal): boolean {
  return principal.kind === 'user' && roleAllows(principal.role, 'audit:read');
}

export function isStarter(principal: Principal, ownerId: string): boolean {
  return principal.kind === 'user' && principal.userId === ownerId;
}
