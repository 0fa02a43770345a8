// Console accounts: the owner set-up, sign-in and password changes (sign-in.ts), invitations (invites.ts),
// roles, grants, disabling and unlocking. Every change goes through the audit log first.
import { randomBytes, randomUUID } from 'node:crypto';
import { constantTimeEqual } from '../crypto/constant-time.js';
import type { Db } from '../db/client.js';
import type { User } from '../db/generated/client.js';
import { DomainError } from '../errors.js';
import { assignableRoles, GRANT_LIMITED } from '../auth/roles.js';
import { isRole, type Role } from '../contract/permissions.js';
import { SignInGuard } from '../auth/sign-in-guard.js';
import { PasswordGuard } from '../auth/password-guard.js';
import { currentContext, setPrincipal } from '../auth/context.js';
import type { AuditService } from './audit.js';
import type { SessionService } from './sessions.js';
import { Invitations, type InviteView } from './invites.js';
import { normaliseEmail, PasswordChecks, weak, type SignInMeta, type SignInResult } from './sign-in.js';
import type { UserView } from '../contract/users.js';

export type { UserView, SignInMeta, SignInResult };

export class UserService {
  readonly guard: SignInGuard;
  readonly invites: Invitations;
  /** Sign-in, password changes and new password hashes (sign-in.ts). */
  readonly passwords: PasswordChecks;
  sessions!: SessionService;
  /** While the console has no user: the one-time code the owner set-up asks for, printed in the log only. */
  private setupCode: string | null = null;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly now: () => number = Date.now,
  ) {
    this.guard = new SignInGuard(db, audit, now);
    this.invites = new Invitations(db, audit, now);
    this.passwords = new PasswordChecks(db, audit, this.guard, new PasswordGuard(this.guard.store, now), () => this.sessions, now);
  }

  async count(): Promise<number> {
    return this.db.user.count();
  }

  /** What a session needs to know about its user; null when there is no such user. */
  async forSession(userId: string): Promise<{ email: string; role: Role; disabled: boolean; grants: ReadonlySet<string> | 'all' } | null> {
    const user = await this.db.user.findUnique({ where: { id: userId }, include: { grants: { select: { providerId: true } } } });
    if (!user || !isRole(user.role)) return null;
    return { email: user.email, role: user.role, disabled: user.disabledAt !== null, grants: GRANT_LIMITED.has(user.role) ? new Set(user.grants.map((g) => g.providerId)) : 'all' };
  }

  /**
   * A fresh set-up code when the console has no user yet, so that only someone who can read the console's
   * log (its operator) can create the owner from the browser, not whoever reaches the port first.
   */
  async setupCodeIfNeeded(): Promise<string | null> {
    if ((await this.count()) > 0) return (this.setupCode = null);
    this.setupCode ??= randomBytes(8).toString('hex').replace(/(.{4})(?=.)/g, '$1-');
    return this.setupCode;
  }

  /**
   * The first account: from env vars (no code), or from the set-up screen with the code from the log.
   * Refused once any user exists.
   */
  async createOwner(input: { email: string; password: string; name?: string | undefined; setupCode?: string | undefined }, opts: { fromEnv?: boolean } = {}): Promise<UserView> {
    const email = normaliseEmail(input.email);
    if (!opts.fromEnv) {
      if ((await this.count()) > 0) throw new DomainError('auth/setup_done', 'The console already has an owner: sign in instead.');
      const given = (input.setupCode ?? '').trim().toLowerCase();
      if (!this.setupCode || !constantTimeEqual(this.setupCode, given)) {
        await this.audit.record({ action: 'user.created', outcome: 'auth/setup_code', detail: { email, role: 'owner', via: 'setup' } });
        throw new DomainError('auth/setup_code', 'The set-up code is wrong: use the code printed in the console\'s log when it started ("set-up code").', [{ field: 'setupCode', message: 'wrong set-up code' }]);
      }
    }
    weak(input.password, email);
    const passwordHash = await this.passwords.newHash(input.password, email);
    return this.audit.around({ action: 'user.created', detail: { email, role: 'owner', via: 'setup' } }, async () => {
      const user = await this.db.$transaction(async (tx) => {
        if ((await tx.user.count()) > 0) throw new DomainError('auth/setup_done', 'The console already has an owner: sign in instead.');
        return tx.user.create({ data: { id: randomUUID(), email, name: input.name ?? '', role: 'owner', passwordHash, passwordChangedAt: new Date(this.now()) } });
      });
      this.setupCode = null;
      return this.view(user, [], null);
    }, (u) => ({ userId: u.id }));
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

  async list(): Promise<UserView[]> {
    const users = await this.db.user.findMany({ orderBy: { email: 'asc' }, include: { grants: { select: { providerId: true } } } });
    const locks = this.guard.locks(users.map((u) => u.email));
    return users.map((u) => this.view(u, u.grants.map((g) => g.providerId), locks.get(u.email) ?? null));
  }

  /**
   * Ends the locks on an account (for browsers it has not been used with, and per address). Owners unlock
   * anyone, admins the roles they manage; `npm run unlock` acts as the console itself (actor system).
   */
  async unlock(userId: string, via: 'console' | 'cli' = 'console'): Promise<UserView> {
    const user = await this.getRow(userId);
    if (!assignableRoles(this.actorRole()).includes(user.role as Role)) throw new DomainError('auth/forbidden', `An ${this.actorRole()} cannot unlock an ${user.role}.`);
    const lockedUntil = this.guard.locks([user.email]).get(user.email) ?? null;
    await this.audit.around({ action: 'user.unlocked', target: userId, detail: { email: user.email, via, lockedUntil: lockedUntil && new Date(lockedUntil).toISOString() } }, () => this.guard.unlock(user.email), (r) => ({ refused: r.refused }));
    const grants = await this.db.providerGrant.findMany({ where: { userId }, select: { providerId: true } });
    return this.view(user, grants.map((g) => g.providerId), null);
  }

  async unlockByEmail(emailInput: string, via: 'console' | 'cli'): Promise<UserView> {
    const email = normaliseEmail(emailInput);
    const user = await this.db.user.findUnique({ where: { email } });
    if (!user) throw new DomainError('user/not_found', `There is no account with the email ${email}: no account to unlock.`);
    return this.unlock(user.id, via);
  }

  /** An invitation link token, valid once for 72 hours; it replaces older pending invitations for the email. */
  async invite(input: { email: string; role: Role; providerIds: string[] }): Promise<{ id: string; token: string; expiresAt: string; email: string; role: Role }> {
    const actor = this.actorRole();
    if (!assignableRoles(actor).includes(input.role)) throw new DomainError('auth/forbidden', `An ${actor} cannot invite an ${input.role}.`);
    const email = normaliseEmail(input.email);
    if (await this.db.user.findUnique({ where: { email } })) throw new DomainError('user/duplicate', `${email} already has an account.`, [{ field: 'email', message: 'already has an account' }]);
    await this.checkProviders(input.providerIds);
    const { principal } = currentContext();
    return this.invites.create({ role: actor, userId: principal.kind === 'user' ? principal.userId : null }, { email, role: input.role, providerIds: input.providerIds });
  }

  /** Who an invitation is for, so the accept screen can say it; the token is not used up. */
  async inviteInfo(token: string): Promise<{ email: string; role: Role; expiresAt: string }> {
    const invite = await this.invites.live(token);
    return { email: invite.email, role: invite.role, expiresAt: invite.expiresAt.toISOString() };
  }

  pendingInvites(): Promise<InviteView[]> {
    return this.invites.pending(this.actorRole());
  }

  revokeInvite(id: string): Promise<InviteView> {
    return this.invites.revoke(this.actorRole(), id);
  }

  async acceptInvite(token: string, password: string, name: string, meta: SignInMeta): Promise<SignInResult> {
    const invite = await this.invites.live(token);
    weak(password, invite.email);
    const passwordHash = await this.passwords.newHash(password, invite.email);
    const providerIds = JSON.parse(invite.providerIds) as string[];
    const user = await this.audit.around({ action: 'user.created', detail: { email: invite.email, role: invite.role, via: 'invite', providerIds } }, () =>
      this.db.$transaction(async (tx) => {
        // Checked again here: the invitation may have been used, revoked or its sender disabled meanwhile.
        await this.invites.consume(tx, token);
        if (await tx.user.findUnique({ where: { email: invite.email } })) throw new DomainError('user/duplicate', `${invite.email} already has an account.`);
        const existing = providerIds.length ? await tx.provider.findMany({ where: { id: { in: providerIds } }, select: { id: true } }) : [];
        return tx.user.create({
          data: { id: randomUUID(), email: invite.email, name, role: invite.role, passwordHash, passwordChangedAt: new Date(this.now()), grants: { create: existing.map((p) => ({ providerId: p.id })) } },
        });
      }), (u) => ({ userId: u.id }));
    const created = await this.sessions.create(user.id, meta);
    setPrincipal({ kind: 'user', userId: user.id, email: user.email, role: invite.role, sessionId: created.session.id, grants: created.session.grants });
    // Whoever opened the invitation and chose the password is this browser: trusted like after a sign-in.
    return { ...created, device: await this.guard.devices.issue(user.id, meta.device) };
  }

  async update(userId: string, change: { role?: Role | undefined; disabled?: boolean | undefined; name?: string | undefined }): Promise<UserView> {
    const user = await this.getRow(userId);
    const actor = this.actorRole();
    const { principal } = currentContext();
    const allowed = assignableRoles(actor);
    if (!allowed.includes(user.role as Role) || (change.role && !allowed.includes(change.role))) {
      throw new DomainError('auth/forbidden', `An ${actor} cannot change an ${user.role}${change.role ? ` into an ${change.role}` : ''}.`);
    }
    if (principal.kind === 'user' && principal.userId === userId && (change.disabled || (change.role && change.role !== user.role))) {
      throw new DomainError('auth/forbidden', 'You cannot disable yourself or change your own role; ask another owner.');
    }
    const before = { role: user.role, disabled: user.disabledAt !== null, name: user.name };
    // A user disabled or given another role sends no more people in: their pending invitations are void.
    const voids = change.disabled === true || (change.role !== undefined && change.role !== user.role);
    const { row: updated } = await this.audit.around({ action: 'user.updated', target: userId, detail: { email: user.email, before } }, async () => {
      const row = await this.db.$transaction(async (tx) => {
        const r = await tx.user.update({
          where: { id: userId },
          data: {
            ...(change.role ? { role: change.role } : {}),
            ...(change.name !== undefined ? { name: change.name } : {}),
            ...(change.disabled !== undefined ? { disabledAt: change.disabled ? (user.disabledAt ?? new Date(this.now())) : null } : {}),
          },
          include: { grants: { select: { providerId: true } } },
        });
        if (user.role === 'owner' && (r.role !== 'owner' || r.disabledAt) && (await tx.user.count({ where: { role: 'owner', disabledAt: null } })) === 0) {
          throw new DomainError('user/last_owner', 'The console needs at least one active owner.');
        }
        return r;
      });
      // In the unit of work of this change: the invitations are void if and only if the change commits.
      const invitesRevoked = voids ? await this.invites.voidSentBy(userId) : 0;
      // Disabling ends every session at once; a role change is read again on the next request.
      if (row.disabledAt) await this.sessions.revokeUser(userId);
      else this.sessions.forgetUser(userId);
      return { row, invitesRevoked };
    }, ({ row: r, invitesRevoked }) => ({ after: { role: r.role, disabled: r.disabledAt !== null, name: r.name }, ...(voids ? { invitesRevoked } : {}) }));
    return this.view(updated, updated.grants.map((g) => g.providerId), this.guard.locks([updated.email]).get(updated.email) ?? null);
  }

  async setGrants(userId: string, providerIds: string[]): Promise<UserView> {
    const user = await this.getRow(userId);
    if (!assignableRoles(this.actorRole()).includes(user.role as Role)) throw new DomainError('auth/forbidden', `You cannot change the grants of an ${user.role}.`);
    await this.checkProviders(providerIds);
    const before = (await this.db.providerGrant.findMany({ where: { userId }, select: { providerId: true } })).map((g) => g.providerId);
    await this.audit.around({ action: 'user.grants_changed', target: userId, detail: { email: user.email, before, after: providerIds } }, () =>
      this.db.$transaction([this.db.providerGrant.deleteMany({ where: { userId } }), this.db.providerGrant.createMany({ data: providerIds.map((providerId) => ({ userId, providerId })) })]),
    );
    this.sessions.forgetUser(userId);
    return this.view(user, providerIds, this.guard.locks([user.email]).get(user.email) ?? null);
  }

  private async checkProviders(providerIds: string[]): Promise<void> {
    if (!providerIds.length) return;
    const found = await this.db.provider.count({ where: { id: { in: providerIds } } });
    if (found !== new Set(providerIds).size) throw new DomainError('request/invalid', 'One or more of the providers to grant do not exist.', [{ field: 'providerIds', message: 'unknown provider' }]);
  }

  private actorRole(): Role {
    const { principal } = currentContext();
    return principal.kind === 'user' ? principal.role : 'owner';
  }

  private async getRow(userId: string): Promise<User> {
    const user = await this.db.user.findUnique({ where: { id: userId } });
    if (!user) throw new DomainError('user/not_found', `No user has id ${userId}.`);
    return user;
  }

  private view(user: User, providerIds: string[], lockedUntil: number | null): UserView {
    return {
      id: user.id, email: user.email, name: user.name, role: user.role as Role, disabled: user.disabledAt !== null, providerIds, createdAt: user.createdAt.toISOString(),
      lockedUntil: lockedUntil === null ? null : new Date(lockedUntil).toISOString(),
    };
  }
}
