// Password-reset links an owner or admin issues for someone who cannot sign in (a forgotten password, a lock):
// one-time, valid 24 hours, stored as a hash like invitation links (crypto/link-token.ts), at most one pending
// per user (a new one revokes the older). Using one sets the password, ends the user's sessions and sign-in
// locks. Who may issue follows the rule of disabling and role changes: owners for anyone, admins for the roles
// they may give, nobody for themselves (Change password is for that). Like an invitation, a link is only as
// good as its issuer: once they are disabled or may no longer manage the user's role, it stops working.
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/client.js';
import type { PasswordReset, Prisma, User } from '../db/models.js';
import { DomainError } from '../errors.js';
import { assignableRoles } from '../auth/roles.js';
import { isRole, type Role } from '../contract/permissions.js';
import { linkTokenHash, newLinkToken } from '../crypto/link-token.js';
import { currentContext } from '../auth/context.js';
import type { SignInGuard } from '../auth/sign-in-guard.js';
import type { AuditService } from './audit.js';
import { issuerMayStill, SYSTEM_ISSUER } from './link-issuer.js';
import type { SessionService } from './sessions.js';
import { weak, type PasswordChecks } from './sign-in.js';
import { actorRole, userRow } from './user-records.js';

export const PASSWORD_RESET_TTL_MS = 24 * 3_600_000;

const invalid = () =>
  new DomainError(
    'reset/invalid',
    'This password-reset link is not valid: it was used already, has expired, was replaced by a newer link, or was mistyped. Ask an owner or admin for a new one.',
  );

export interface IssuedReset {
  token: string;
  email: string;
  expiresAt: string;
}

export class PasswordResets {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly guard: SignInGuard,
    private readonly passwords: PasswordChecks,
    private readonly sessions: SessionService,
    private readonly now: () => number,
  ) {}

  private pendingWhere(): Prisma.PasswordResetWhereInput {
    return { usedAt: null, revokedAt: null, expiresAt: { gt: new Date(this.now()) } };
  }

  /** A new link token for a user, shown once; their older unused link stops working in the same transaction. */
  async issue(userId: string): Promise<IssuedReset> {
    const user = await userRow(this.db, userId);
    const actor = actorRole();
    const { principal } = currentContext();
    if (!assignableRoles(actor).includes(user.role as Role))
      throw new DomainError('auth/forbidden', `An ${actor} cannot reset the password of an ${user.role}.`);
    if (principal.kind === 'user' && principal.userId === userId)
      throw new DomainError('auth/forbidden', 'Change your own password with Change password in the account menu.');
    if (user.disabledAt) throw new DomainError('user/disabled', `${user.email} is disabled: enable the account first.`);
    const { token, tokenHash } = newLinkToken();
    const expiresAt = new Date(this.now() + PASSWORD_RESET_TTL_MS);
    await this.audit.around(
      { action: 'user.password_reset_issued', target: userId, detail: { email: user.email, expiresAt: expiresAt.toISOString() } },
      async () => {
        const { count } = await this.db.passwordReset.updateMany({
          where: { userId, ...this.pendingWhere() },
          data: { revokedAt: new Date(this.now()) },
        });
        await this.db.passwordReset.create({
          data: {
            id: randomUUID(),
            tokenHash,
            userId,
            createdById: principal.kind === 'user' ? principal.userId : SYSTEM_ISSUER,
            createdAt: new Date(this.now()),
            expiresAt,
          },
        });
        return count;
      },
      (replaced) => ({ replaced }),
    );
    return { token, email: user.email, expiresAt: expiresAt.toISOString() };
  }

  /** Whose password a link resets, so its page can say so; the link is not used up. */
  async info(token: string): Promise<{ email: string; expiresAt: string }> {
    const reset = await this.live(token);
    return { email: reset.user.email, expiresAt: reset.expiresAt.toISOString() };
  }

  /**
   * Sets the password, uses the link up, ends every session of the user and their sign-in locks, in one
   * audited transaction (the audit row names the user, never the token).
   */
  async use(token: string, password: string): Promise<void> {
    const reset = await this.live(token);
    const { email } = reset.user;
    weak(password, email);
    const passwordHash = await this.passwords.newHash(password, email);
    await this.audit.around(
      { action: 'user.password_reset', target: reset.userId, detail: { email } },
      async () => {
        // Checked again here: the link may have been used or replaced, or its issuer disabled, meanwhile.
        await this.live(token);
        const used = await this.db.passwordReset.updateMany({
          where: { id: reset.id, ...this.pendingWhere() },
          data: { usedAt: new Date(this.now()) },
        });
        if (used.count !== 1) throw invalid();
        await this.db.user.update({ where: { id: reset.userId }, data: { passwordHash, passwordChangedAt: new Date(this.now()) } });
        const sessionsEnded = await this.sessions.revokeUser(reset.userId);
        const { refused } = await this.guard.unlock(email);
        return { sessionsEnded, refusedWhileLocked: refused };
      },
      (r) => r,
    );
  }

  /** The pending link of a token whose user is enabled and whose issuer may still manage them, or reset/invalid. */
  private async live(token: string): Promise<PasswordReset & { user: User }> {
    const reset = await this.db.passwordReset.findFirst({
      where: { tokenHash: linkTokenHash(token), ...this.pendingWhere() },
      include: { user: true },
    });
    if (!reset || reset.user.disabledAt !== null || !isRole(reset.user.role)) throw invalid();
    const issuer =
      reset.createdById === SYSTEM_ISSUER
        ? null
        : await this.db.user.findUnique({ where: { id: reset.createdById }, select: { role: true, disabledAt: true } });
    if (!issuerMayStill(reset.createdById, issuer, reset.user.role)) throw invalid();
    return reset;
  }
}
