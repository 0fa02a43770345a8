// Invitation links: made by owners and admins, one pending link per email, listed and revocable, and never
// stronger than whoever sent them. An invitation is pending while it is unused, unrevoked, unexpired and its
// sender still exists, is enabled and may still give its role; that last check runs again inside the
// transaction that accepts it, so a sender disabled or demoted (by any path, even behind the service) gives
// no one an account. Disabling or re-roling a sender also voids their pending invitations (voidSentBy), in
// the transaction of that change.
import { randomUUID } from 'node:crypto';
import { linkTokenHash, newLinkToken } from '../crypto/link-token.js';
import type { Db } from '../db/client.js';
import type { Invite, Prisma } from '../db/models.js';
import { DomainError } from '../errors.js';
import { assignableRoles } from '../auth/roles.js';
import { isRole, type Role } from '../contract/permissions.js';
import type { AuditService } from './audit.js';
import { issuerMayStill, SYSTEM_ISSUER } from './link-issuer.js';
import type { InviteView } from '../contract/invites.js';

export type { InviteView };

export const INVITE_TTL_MS = 72 * 3_600_000;

const invalid = () =>
  new DomainError(
    'invite/invalid',
    'This invitation link is not valid: it was used already, has expired, was revoked, or was mistyped. Ask for a new one.',
  );

export class Invitations {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly now: () => number,
  ) {}

  /** The rows an invitation must match to still be usable: unused, unrevoked, unexpired. */
  private pendingWhere(): Prisma.InviteWhereInput {
    return { usedAt: null, revokedAt: null, expiresAt: { gt: new Date(this.now()) } };
  }

  /**
   * A new invitation link token, valid once for 72 hours. Older pending invitations for the email are
   * voided in the same transaction; one for a role this actor may not give is not theirs to replace.
   */
  async create(
    actor: { role: Role; userId: string | null },
    input: { email: string; role: Role; providerIds: string[] },
  ): Promise<{ id: string; token: string; expiresAt: string; email: string; role: Role }> {
    const { token, tokenHash } = newLinkToken();
    const id = randomUUID();
    const expiresAt = new Date(this.now() + INVITE_TTL_MS);
    await this.audit.around(
      { action: 'user.invited', target: id, detail: { email: input.email, role: input.role, providerIds: input.providerIds } },
      async () => {
        const older = await this.db.invite.findMany({
          where: { email: input.email, ...this.pendingWhere() },
          select: { id: true, role: true },
        });
        const foreign = older.find((o) => !assignableRoles(actor.role).includes(o.role as Role));
        if (foreign)
          throw new DomainError(
            'auth/forbidden',
            `${input.email} has a pending invitation as ${foreign.role}, which an ${actor.role} cannot replace; ask an owner.`,
          );
        if (older.length)
          await this.db.invite.updateMany({ where: { id: { in: older.map((o) => o.id) } }, data: { revokedAt: new Date(this.now()) } });
        await this.insert({ id, tokenHash, expiresAt, createdById: actor.userId ?? SYSTEM_ISSUER, ...input });
        return older.length;
      },
      (replaced) => ({ replaced }),
    );
    return { id, token, expiresAt: expiresAt.toISOString(), email: input.email, role: input.role };
  }

  /**
   * Re-issues a pending invitation: its link stops working and a new one, for the same email, role and
   * providers, is made in the same transaction (audited, never with the token). Whoever re-issues it becomes
   * its sender, so it follows the same rule as revoking: owners any, admins the roles they may give.
   */
  async reissue(
    actor: { role: Role; userId: string | null },
    id: string,
  ): Promise<{ id: string; token: string; expiresAt: string; email: string; role: Role }> {
    const old = await this.db.invite.findUnique({ where: { id } });
    if (!old || !isRole(old.role)) throw new DomainError('invite/not_found', `No invitation has id ${id}.`);
    if (!assignableRoles(actor.role).includes(old.role))
      throw new DomainError('auth/forbidden', `An ${actor.role} cannot re-issue an invitation as ${old.role}.`);
    const role = old.role;
    const providerIds = JSON.parse(old.providerIds) as string[];
    const { token, tokenHash } = newLinkToken();
    const newId = randomUUID();
    const expiresAt = new Date(this.now() + INVITE_TTL_MS);
    await this.audit.around(
      { action: 'user.invite_reissued', target: newId, detail: { email: old.email, role, providerIds, replaces: id } },
      async () => {
        const { count } = await this.db.invite.updateMany({
          where: { id, ...this.pendingWhere() },
          data: { revokedAt: new Date(this.now()) },
        });
        if (count !== 1)
          throw new DomainError(
            'invite/not_pending',
            'This invitation is no longer pending (used, expired or revoked already): invite the person again instead.',
          );
        await this.insert({
          id: newId,
          tokenHash,
          expiresAt,
          createdById: actor.userId ?? SYSTEM_ISSUER,
          email: old.email,
          role,
          providerIds,
        });
      },
    );
    return { id: newId, token, expiresAt: expiresAt.toISOString(), email: old.email, role };
  }

  private async insert(row: {
    id: string;
    tokenHash: string;
    expiresAt: Date;
    createdById: string;
    email: string;
    role: Role;
    providerIds: string[];
  }): Promise<void> {
    await this.db.invite.create({
      data: { ...row, providerIds: JSON.stringify(row.providerIds), createdAt: new Date(this.now()) },
    });
  }

  /** The pending invitation of a link token, or invite/invalid. `db` is the transaction when accepting. */
  async live(token: string, db: Prisma.TransactionClient | Db = this.db): Promise<Invite & { role: Role }> {
    const invite = await db.invite.findFirst({ where: { tokenHash: linkTokenHash(token), ...this.pendingWhere() } });
    if (!invite || !isRole(invite.role)) throw invalid();
    const sender =
      invite.createdById === SYSTEM_ISSUER
        ? null
        : await db.user.findUnique({ where: { id: invite.createdById }, select: { email: true, role: true, disabledAt: true } });
    if (!issuerMayStill(invite.createdById, sender, invite.role)) throw invalid();
    return invite as Invite & { role: Role };
  }

  /** Inside the accepting transaction: checks the invitation and its sender again and uses it up. */
  async consume(tx: Prisma.TransactionClient, token: string): Promise<Invite & { role: Role }> {
    const invite = await this.live(token, tx);
    const used = await tx.invite.updateMany({ where: { id: invite.id, ...this.pendingWhere() }, data: { usedAt: new Date(this.now()) } });
    if (used.count !== 1) throw invalid();
    return invite;
  }

  /** Pending invitations, newest first; `revocable` says which this actor may revoke. Never a token or its hash. */
  async pending(actorRole: Role): Promise<InviteView[]> {
    const rows = await this.db.invite.findMany({ where: this.pendingWhere(), orderBy: { createdAt: 'desc' } });
    const senderIds = [...new Set(rows.map((r) => r.createdById).filter((id) => id !== SYSTEM_ISSUER))];
    const senders = new Map(
      (
        await this.db.user.findMany({ where: { id: { in: senderIds } }, select: { id: true, email: true, role: true, disabledAt: true } })
      ).map((u) => [u.id, u]),
    );
    return rows
      .filter((r) => issuerMayStill(r.createdById, senders.get(r.createdById) ?? null, r.role))
      .map((r) => this.view(r, senders.get(r.createdById)?.email ?? SYSTEM_ISSUER, actorRole));
  }

  /** Voids a pending invitation (audited); owners revoke any, admins those for the roles they may give. */
  async revoke(actorRole: Role, id: string): Promise<InviteView> {
    const invite = await this.db.invite.findUnique({ where: { id } });
    if (!invite) throw new DomainError('invite/not_found', `No invitation has id ${id}.`);
    if (!assignableRoles(actorRole).includes(invite.role as Role))
      throw new DomainError('auth/forbidden', `An ${actorRole} cannot revoke an invitation as ${invite.role}.`);
    const sender =
      invite.createdById === SYSTEM_ISSUER
        ? null
        : await this.db.user.findUnique({ where: { id: invite.createdById }, select: { email: true } });
    const invitedBy = sender?.email ?? SYSTEM_ISSUER;
    const revokedAt = new Date(this.now());
    await this.audit.around(
      { action: 'user.invite_revoked', target: id, detail: { email: invite.email, role: invite.role, invitedBy } },
      async () => {
        const { count } = await this.db.invite.updateMany({ where: { id, ...this.pendingWhere() }, data: { revokedAt } });
        if (count !== 1)
          throw new DomainError(
            'invite/not_pending',
            'This invitation is no longer pending (used, expired or revoked already): there is nothing to revoke.',
          );
      },
    );
    return { ...this.view(invite, invitedBy, actorRole), revokedAt: revokedAt.toISOString() };
  }

  /**
   * Voids every pending invitation a user sent; the number voided. Call it inside the unit of work of the
   * change that makes them void (disabling the user, changing their role): both commit or neither.
   */
  async voidSentBy(userId: string): Promise<number> {
    return (
      await this.db.invite.updateMany({ where: { createdById: userId, ...this.pendingWhere() }, data: { revokedAt: new Date(this.now()) } })
    ).count;
  }

  private view(invite: Invite, invitedBy: string, actorRole: Role): InviteView {
    return {
      id: invite.id,
      email: invite.email,
      role: invite.role as Role,
      providerIds: JSON.parse(invite.providerIds) as string[],
      invitedBy,
      createdAt: invite.createdAt.toISOString(),
      expiresAt: invite.expiresAt.toISOString(),
      revocable: assignableRoles(actorRole).includes(invite.role as Role),
      revokedAt: null,
    };
  }
}
