// Inviting people in and joining by invitation: who may invite whom (the actor's role), and accepting a link,
// which creates the account with its grants, signs the new user in and trusts their browser. The invitation
// rows themselves (pending, revoked, used, voided with their sender) are invites.ts.
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/client.js';
import { DomainError } from '../errors.js';
import { assignableRoles } from '../auth/roles.js';
import type { Role } from '../contract/permissions.js';
import type { TrustedDevices } from '../auth/devices.js';
import { currentContext, setPrincipal } from '../auth/context.js';
import type { AuditService } from './audit.js';
import type { SessionService } from './sessions.js';
import type { Invitations, InviteView } from './invites.js';
import { normaliseEmail, weak, type PasswordChecks, type SignInMeta, type SignInResult } from './sign-in.js';
import { actorRole, checkProvidersExist } from './user-records.js';

export class InviteFlow {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly invites: Invitations,
    private readonly passwords: PasswordChecks,
    private readonly sessions: SessionService,
    private readonly devices: TrustedDevices,
    private readonly now: () => number,
  ) {}

  /** An invitation link token, valid once for 72 hours; it replaces older pending invitations for the email. */
  async invite(input: {
    email: string;
    role: Role;
    providerIds: string[];
  }): Promise<{ id: string; token: string; expiresAt: string; email: string; role: Role }> {
    const actor = actorRole();
    if (!assignableRoles(actor).includes(input.role))
      throw new DomainError('auth/forbidden', `An ${actor} cannot invite an ${input.role}.`);
    const email = normaliseEmail(input.email);
    if (await this.db.user.findUnique({ where: { email } }))
      throw new DomainError('user/duplicate', `${email} already has an account.`, [{ field: 'email', message: 'already has an account' }]);
    await checkProvidersExist(this.db, input.providerIds);
    const { principal } = currentContext();
    return this.invites.create(
      { role: actor, userId: principal.kind === 'user' ? principal.userId : null },
      { email, role: input.role, providerIds: input.providerIds },
    );
  }

  /** Who an invitation is for, so the accept screen can say it; the token is not used up. */
  async info(token: string): Promise<{ email: string; role: Role; expiresAt: string }> {
    const invite = await this.invites.live(token);
    return { email: invite.email, role: invite.role, expiresAt: invite.expiresAt.toISOString() };
  }

  pending(): Promise<InviteView[]> {
    return this.invites.pending(actorRole());
  }

  revoke(id: string): Promise<InviteView> {
    return this.invites.revoke(actorRole(), id);
  }

  /** A fresh link for a pending invitation; the old link stops working (invites.ts). */
  reissue(id: string): Promise<{ id: string; token: string; expiresAt: string; email: string; role: Role }> {
    const { principal } = currentContext();
    return this.invites.reissue({ role: actorRole(), userId: principal.kind === 'user' ? principal.userId : null }, id);
  }

  async accept(token: string, password: string, name: string, meta: SignInMeta): Promise<SignInResult> {
    const invite = await this.invites.live(token);
    weak(password, invite.email);
    const passwordHash = await this.passwords.newHash(password, invite.email);
    const providerIds = JSON.parse(invite.providerIds) as string[];
    const user = await this.audit.around(
      { action: 'user.created', detail: { email: invite.email, role: invite.role, via: 'invite', providerIds } },
      () =>
        this.db.$transaction(async (tx) => {
          // Checked again here: the invitation may have been used, revoked or its sender disabled meanwhile.
          await this.invites.consume(tx, token);
          if (await tx.user.findUnique({ where: { email: invite.email } }))
            throw new DomainError('user/duplicate', `${invite.email} already has an account.`);
          const existing = providerIds.length
            ? await tx.provider.findMany({ where: { id: { in: providerIds } }, select: { id: true } })
            : [];
          return tx.user.create({
            data: {
              id: randomUUID(),
              email: invite.email,
              name,
              role: invite.role,
              passwordHash,
              passwordChangedAt: new Date(this.now()),
              grants: { create: existing.map((p) => ({ providerId: p.id })) },
            },
          });
        }),
      (u) => ({ userId: u.id }),
    );
    const created = await this.sessions.create(user.id, meta);
    setPrincipal({
      kind: 'user',
      userId: user.id,
      email: user.email,
      role: invite.role,
      sessionId: created.session.id,
      grants: created.session.grants,
    });
    // Whoever opened the invitation and chose the password is this browser: trusted like after a sign-in.
    return { ...created, device: await this.devices.issue(user.id, meta.device) };
  }
}
