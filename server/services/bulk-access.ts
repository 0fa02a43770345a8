// Who may do what with a bulk job, as pure rules: the job's own re-checks, its results download and its
// progress view all decide here.
import { roleAllows } from '../auth/roles.js';
import type { Role } from '../contract/permissions.js';
import type { Principal } from '../auth/context.js';
import { type ErrorCode } from '../contract/errors.js';
import type { ProviderRow } from './providers.js';

/** What the console knows of a user right now (readUserStatus, user-status.ts); null when the user is gone. */
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
  if (!roleAllows(user.role, 'token:mint'))
    return { code: 'auth/forbidden', reason: `has a role (${user.role}) that does not allow minting` };
  if (user.grants !== 'all' && !user.grants.has(providerId))
    return { code: 'auth/not_granted', reason: 'no longer has a grant on this provider' };
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

/**
 * What a job signs with and for, as it was when the job opened its secret: the provider's token URI and
 * its credential set's client id, upstream and secret (by fingerprint and time set; never the secret).
 */
export interface MintBinding {
  providerName: string;
  entityLevel: string;
  entityId: string;
  credentialSetId: string;
  clientId: string;
  upstreamUrl: string;
  secretFingerprint: string;
  secretSetAt: number;
}

export function bindingOf(row: ProviderRow): MintBinding {
  const c = row.credentialSet;
  return {
    providerName: row.name,
    entityLevel: row.entityLevel,
    entityId: row.entityId,
    credentialSetId: c.id,
    clientId: c.clientId,
    upstreamUrl: c.upstreamUrl,
    secretFingerprint: c.secretFingerprint,
    secretSetAt: c.secretSetAt.getTime(),
  };
}

/**
 * Why a job may not go on with what it opened at its start, given its provider as it is now (null: the
 * provider is gone), or null when nothing it signs with or for has changed. A job never follows a change:
 * whoever replaced a secret or moved an upstream meant the old one to stop being used.
 */
export function bindingChange(started: MintBinding, now: MintBinding | null): string | null {
  if (!now) return 'the provider was deleted';
  if (now.credentialSetId !== started.credentialSetId) return 'the provider was moved to another credential set';
  if (now.upstreamUrl !== started.upstreamUrl || now.clientId !== started.clientId)
    return 'its credential set changed (its upstream or client id)';
  if (now.secretFingerprint !== started.secretFingerprint || now.secretSetAt !== started.secretSetAt)
    return 'its credential set changed (its secret was replaced)';
  if (now.providerName !== started.providerName || now.entityLevel !== started.entityLevel || now.entityId !== started.entityId) {
    return "the provider's token URI changed (its name or entity)";
  }
  return null;
}
