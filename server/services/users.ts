// Console accounts, as the routes and start-up use them: one entry point over the modules that each do one
// job. The owner set-up (owner-setup.ts), sign-in and password changes (sign-in.ts), lock-outs and their
// unlock (auth/sign-in-guard.ts, account-unlock.ts), password-reset links (password-resets.ts), invitations (invite-flow.ts over invites.ts), and roles,
// grants and disabling (user-admin.ts). Every change goes through the audit log first.
import type { Db } from '../db/client.js';
import { SignInGuard } from '../auth/sign-in-guard.js';
import { PasswordGuard } from '../auth/password-guard.js';
import type { Role } from '../contract/permissions.js';
import type { AuditService } from './audit.js';
import type { SessionService } from './sessions.js';
import { Invitations, type InviteView } from './invites.js';
import { PasswordChecks, type SignInMeta, type SignInResult } from './sign-in.js';
import { OwnerSetup } from './owner-setup.js';
import { AccountUnlock } from './account-unlock.js';
import { InviteFlow } from './invite-flow.js';
import { UserAdmin } from './user-admin.js';
import { PasswordResets, type IssuedReset } from './password-resets.js';
import type { UserView } from '../contract/users.js';

export type { UserView, SignInMeta, SignInResult };

export class UserService {
  readonly guard: SignInGuard;
  readonly invites: Invitations;
  /** Sign-in, password changes and new password hashes (sign-in.ts). */
  readonly passwords: PasswordChecks;
  private readonly setup: OwnerSetup;
  private readonly unlocks: AccountUnlock;
  private readonly joining: InviteFlow;
  private readonly admin: UserAdmin;
  /** Admin-issued one-time password-reset links (password-resets.ts). */
  private readonly resets: PasswordResets;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    /** Built first: sessions read their user through user-status.ts, not through this service. */
    private readonly sessions: SessionService,
    now: () => number = Date.now,
  ) {
    this.guard = new SignInGuard(db, audit, now);
    this.invites = new Invitations(db, audit, now);
    this.passwords = new PasswordChecks(db, audit, this.guard, new PasswordGuard(this.guard.store, now), sessions, now);
    this.setup = new OwnerSetup(db, audit, this.passwords, now);
    this.unlocks = new AccountUnlock(db, audit, this.guard);
    this.joining = new InviteFlow(db, audit, this.invites, this.passwords, sessions, this.guard.devices, now);
    this.admin = new UserAdmin(db, audit, this.guard, this.invites, sessions, now);
    this.resets = new PasswordResets(db, audit, this.guard, this.passwords, sessions, now);
  }

  async count(): Promise<number> {
    return this.db.user.count();
  }

  setupCodeIfNeeded(): Promise<string | null> {
    return this.setup.setupCodeIfNeeded();
  }

  createOwner(
    input: { email: string; password: string; name?: string | undefined; setupCode?: string | undefined },
    opts: { fromEnv?: boolean } = {},
  ): Promise<UserView> {
    return this.setup.createOwner(input, opts);
  }

  /** Sign-in (sign-in.ts): throttled, audited, the same for known and unknown emails. */
  signIn(email: string, password: string, meta: SignInMeta): Promise<SignInResult> {
    return this.passwords.signIn(email, password, meta);
  }

  async signOut(sessionId: string): Promise<void> {
    await this.audit.around({ action: 'auth.sign_out' }, () => this.sessions.revoke(sessionId));
  }

  /** Asks for the current password, throttled per user (sign-in.ts); the user's other sessions end. */
  changePassword(userId: string, sessionId: string, current: string, next: string): Promise<void> {
    return this.passwords.changePassword(userId, sessionId, current, next);
  }

  list(): Promise<UserView[]> {
    return this.admin.list();
  }

  unlock(userId: string, via: 'console' | 'cli' = 'console'): Promise<UserView> {
    return this.unlocks.unlock(userId, via);
  }

  unlockByEmail(email: string, via: 'console' | 'cli'): Promise<UserView> {
    return this.unlocks.unlockByEmail(email, via);
  }

  issuePasswordReset(userId: string): Promise<IssuedReset> {
    return this.resets.issue(userId);
  }

  passwordResetInfo(token: string): Promise<{ email: string; expiresAt: string }> {
    return this.resets.info(token);
  }

  usePasswordReset(token: string, password: string): Promise<void> {
    return this.resets.use(token, password);
  }

  invite(input: {
    email: string;
    role: Role;
    providerIds: string[];
  }): Promise<{ id: string; token: string; expiresAt: string; email: string; role: Role }> {
    return this.joining.invite(input);
  }

  inviteInfo(token: string): Promise<{ email: string; role: Role; expiresAt: string }> {
    return this.joining.info(token);
  }

  pendingInvites(): Promise<InviteView[]> {
    return this.joining.pending();
  }

  revokeInvite(id: string): Promise<InviteView> {
    return this.joining.revoke(id);
  }

  reissueInvite(id: string): Promise<{ id: string; token: string; expiresAt: string; email: string; role: Role }> {
    return this.joining.reissue(id);
  }

  acceptInvite(token: string, password: string, name: string, meta: SignInMeta): Promise<SignInResult> {
    return this.joining.accept(token, password, name, meta);
  }

  update(
    userId: string,
    change: { role?: Role | undefined; disabled?: boolean | undefined; name?: string | undefined },
  ): Promise<UserView> {
    return this.admin.update(userId, change);
  }

  setGrants(userId: string, providerIds: string[]): Promise<UserView> {
    return this.admin.setGrants(userId, providerIds);
  }
}
