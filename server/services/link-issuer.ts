// Who issued a one-time link (an invitation, a password reset) and whether they still may. A link is only as
// good as its issuer's right to manage the role it concerns: disabling the issuer, or a role that no longer
// lets them manage it, voids their open links. A link the console made itself has no issuer to lose that right.
import { assignableRoles } from '../auth/roles.js';
import { isRole } from '../contract/permissions.js';

/** createdById of a link the console made itself (no signed-in user). */
export const SYSTEM_ISSUER = 'system';

export function issuerMayStill(createdById: string, issuer: { role: string; disabledAt: Date | null } | null, role: string): boolean {
  if (createdById === SYSTEM_ISSUER) return true;
  return (
    issuer !== null && issuer.disabledAt === null && isRole(issuer.role) && isRole(role) && assignableRoles(issuer.role).includes(role)
  );
}
