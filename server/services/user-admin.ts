// What owners and admins do to other accounts: list them, change a role, a name or the disabled flag, and set
// a support user's provider grants. Never beyond the roles the actor may give (auth/roles.ts); the console
// keeps at least one active owner. Sessions follow at once: disabling ends them, other changes are re-read.
import type { Db } from '../db/client.js';
import { DomainError } from '../errors.js';
import { assignableRoles } from '../auth/roles.js';
import type { Role } from '../contract/permissions.js';
import type { SignInGuard } from '../auth/sign-in-guard.js';
import { currentContext } from '../auth/context.js';
import type { AuditService } from './audit.js';
import type { SessionService } from './sessions.js';
import type { Invitations } from './invites.js';
import { actorRole, checkProvidersExist, userRow, userView } from './user-records.js';
import type { UserView } from '../contract/users.js';

export class UserAdmin {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly guard: SignInGuard,
    private readonly invites: Invitations,
    private readonly sessions: SessionService,
    private readonly now: () => number,
  ) {}

  async list(): Promise<UserView[]> {
    const users = await this.db.user.findMany({ orderBy: { email: 'asc' }, include: { grants: { select: { providerId: true } } } });
    const locks = await this.guard.locks(users.map((u) => u.email));
    return users.map((u) =>
      userView(
        u,
        u.grants.map((g) => g.providerId),
        locks.get(u.email) ?? null,
      ),
    );
  }

  async update(
    userId: string,
    change: { role?: Role | undefined; disabled?: boolean | undefined; name?: string | undefined },
  ): Promise<UserView> {
    const user = await userRow(this.db, userId);
    const actor = actorRole();
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
    const { row: updated } = await this.audit.around(
      { action: 'user.updated', target: userId, detail: { email: user.email, before } },
      async () => {
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
          if (
            user.role === 'owner' &&
            (r.role !== 'owner' || r.disabledAt) &&
            (await tx.user.count({ where: { role: 'owner', disabledAt: null } })) === 0
          ) {
            throw new DomainError('user/last_owner', 'The console needs at least one active owner.');
          }
          return r;
        });
        // In the unit of work of this change: the invitations are void if and only if the change commits.
        const invitesRevoked = voids ? await this.invites.voidSentBy(userId) : 0;
        // Disabling ends every session at once; a role change is read again on the next request.
        if (row.disabledAt) await this.sessions.revokeUser(userId);
        else await this.sessions.forgetUser(userId);
        return { row, invitesRevoked };
      },
      ({ row: r, invitesRevoked }) => ({
        after: { role: r.role, disabled: r.disabledAt !== null, name: r.name },
        ...(voids ? { invitesRevoked } : {}),
      }),
    );
    return userView(
      updated,
      updated.grants.map((g) => g.providerId),
      (await this.guard.locks([updated.email])).get(updated.email) ?? null,
    );
  }

  async setGrants(userId: string, providerIds: string[]): Promise<UserView> {
    const user = await userRow(this.db, userId);
    if (!assignableRoles(actorRole()).includes(user.role as Role))
      throw new DomainError('auth/forbidden', `You cannot change the grants of an ${user.role}.`);
    await checkProvidersExist(this.db, providerIds);
    const before = (await this.db.providerGrant.findMany({ where: { userId }, select: { providerId: true } })).map((g) => g.providerId);
    await this.audit.around(
      { action: 'user.grants_changed', target: userId, detail: { email: user.email, before, after: providerIds } },
      () =>
        this.db.$transaction([
          this.db.providerGrant.deleteMany({ where: { userId } }),
          this.db.providerGrant.createMany({ data: providerIds.map((providerId) => ({ userId, providerId })) }),
        ]),
    );
    await this.sessions.forgetUser(userId);
    return userView(user, providerIds, (await this.guard.locks([user.email])).get(user.email) ?? null);
  }
}
