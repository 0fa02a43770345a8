// Checking passwords: sign-in (throttled by sign-in-guard.ts) and password changes (throttled per user by
// password-guard.ts), and hashing new passwords, each with a ticket in the argon2 line (hash-queue.ts:
// trusted work first, a bounded number waiting). Every sign-in attempt let through to the comparison goes
// through the audit log first; refused ones are summed up.
import type { Db } from '../db/client.js';
import type { User } from '../db/models.js';
import { DomainError } from '../errors.js';
import { isRole } from '../contract/permissions.js';
import { dummyPasswordHash, hashPassword, passwordProblem, verifyPassword } from '../auth/passwords.js';
import type { SignInGuard } from '../auth/sign-in-guard.js';
import { passwordLocked, type PasswordGuard } from '../auth/password-guard.js';
import { setPrincipal } from '../auth/context.js';
import type { AuditService } from './audit.js';
import type { ActiveSession, SessionService } from './sessions.js';

const SAME_ANSWER = 'The email or password is wrong.';

export interface SignInResult {
  token: string;
  session: ActiveSession;
  /** The new device cookie token: this browser is trusted for this user from now on. */
  device: string;
}

export interface SignInMeta {
  ip: string;
  userAgent: string;
  /** The device cookie the browser presented, if any. */
  device?: string | undefined;
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Throws auth/weak_password when the password policy refuses it. */
export function weak(password: string, email: string, field = 'password'): void {
  const problem = passwordProblem(password, email);
  if (problem) throw new DomainError('auth/weak_password', problem, [{ field, message: problem }]);
}

export class PasswordChecks {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly guard: SignInGuard,
    private readonly checks: PasswordGuard,
    private readonly sessions: SessionService,
    private readonly now: () => number,
  ) {}

  /**
   * Throttled before anything costly (sign-in-guard.ts), then one audit row and one argon2 comparison,
   * the same for known and unknown emails.
   */
  async signIn(emailInput: string, password: string, meta: SignInMeta): Promise<SignInResult> {
    const email = normaliseEmail(emailInput);
    const user = await this.db.user.findUnique({ where: { email } });
    const admission = await this.guard.admit(email, meta.ip, meta.device, user?.id ?? null);
    // A place in the argon2 line before anything else is written: a browser that signed in before goes
    // first; when the untrusted line is full the attempt is refused at once (auth/busy), without hashing.
    const ticket = await this.guard.hashing
      .reserve(admission.kind === 'device' ? 'trusted' : 'untrusted', { email })
      .catch(async (err: unknown) => {
        await this.guard.release(admission);
        throw err;
      });
    let judged = false;
    try {
      // Not one transaction (aroundCall): a refused attempt's failure must stay counted, and argon2 takes tens
      // of milliseconds that other writers must not wait for.
      return await this.audit.aroundCall(
        { action: 'auth.sign_in', detail: { email, browser: admission.kind === 'device' ? 'trusted' : 'new' } },
        async () => {
          // Unknown users are compared against a dummy hash: same answer, same work, same time. A comparison
          // that failed (argon2 threw) judged nothing: the attempt gives its place back, like a refused one.
          const matches = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), password, ticket);
          judged = true;
          if (!user || !matches || user.disabledAt !== null || !isRole(user.role)) {
            await this.guard.failed(admission, email, user?.id ?? null);
            throw new DomainError('auth/invalid_credentials', SAME_ANSWER);
          }
          const device = await this.guard.succeeded(admission, user.id, meta.device);
          const created = await this.sessions.create(user.id, meta);
          setPrincipal({
            kind: 'user',
            userId: user.id,
            email: user.email,
            role: user.role,
            sessionId: created.session.id,
            grants: created.session.grants,
          });
          return { ...created, device };
        },
        (result) => ({ userId: result.session.userId }),
        () => 'The password was right and a session was made',
      );
    } catch (err) {
      if (!judged) await this.guard.release(admission);
      throw err;
    } finally {
      ticket.release();
    }
  }

  /**
   * Throttled per user (password-guard.ts): 5 wrong current passwords in 15 minutes lock password changes
   * for 15 minutes and end the session that tried; attempts refused by the lock end their session too and
   * are never compared.
   */
  async changePassword(userId: string, sessionId: string, current: string, next: string): Promise<void> {
    const user = await this.userRow(userId);
    const counter = await this.checks.admit(userId, user.email).catch(async (err: unknown) => {
      await this.sessions.revoke(sessionId);
      throw err;
    });
    let matches: boolean;
    try {
      const ticket = await this.guard.hashing.reserve('trusted', { email: user.email });
      try {
        matches = await verifyPassword(user.passwordHash, current, ticket);
      } finally {
        ticket.release();
      }
    } catch (err) {
      // Not judged (the line was full): the attempt gives its place back.
      await this.checks.release(counter);
      throw err;
    }
    if (!matches) {
      const { lockMs, refusedBefore } = await this.checks.failed(counter);
      if (lockMs > 0) {
        await this.sessions.revoke(sessionId);
        await this.audit.record({ action: 'auth.password_changed', target: userId, outcome: 'auth/locked' });
        await this.audit.record({
          action: 'auth.locked',
          target: userId,
          outcome: 'ok',
          detail: { email: user.email, scope: 'password', minutes: lockMs / 60_000, refusedBefore, sessionEnded: true },
        });
        throw passwordLocked(lockMs);
      }
      await this.audit.record({ action: 'auth.password_changed', target: userId, outcome: 'auth/wrong_password' });
      throw new DomainError('auth/wrong_password', 'The current password is wrong.', [
        { field: 'currentPassword', message: 'wrong password' },
      ]);
    }
    await this.checks.succeeded(counter);
    weak(next, user.email, 'newPassword');
    const passwordHash = await this.newHash(next, user.email);
    await this.audit.around(
      { action: 'auth.password_changed', target: userId },
      async () => {
        await this.db.user.update({ where: { id: userId }, data: { passwordHash, passwordChangedAt: new Date(this.now()) } });
        // Other browsers signed in as this user are signed out; this one stays.
        return this.sessions.revokeUser(userId, sessionId);
      },
      (ended) => ({ otherSessionsEnded: ended }),
    );
  }

  /** A new password's hash, in the trusted line: the caller holds a session, an invitation or the set-up code. */
  async newHash(password: string, email: string): Promise<string> {
    const ticket = await this.guard.hashing.reserve('trusted', { email });
    try {
      return await hashPassword(password, ticket);
    } finally {
      ticket.release();
    }
  }

  private async userRow(userId: string): Promise<User> {
    const user = await this.db.user.findUnique({ where: { id: userId } });
    if (!user) throw new DomainError('user/not_found', `No user has id ${userId}.`);
    return user;
  }
}
