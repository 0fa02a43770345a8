// Ending the sign-in locks on an account (for browsers it has not been used with, and per address). Owners
// unlock anyone, admins the roles they manage; `npm run unlock` acts as the console itself (actor system).
import type { Db } from '../db/client.js';
import { DomainError } from '../errors.js';
import { assignableRoles } from '../auth/roles.js';
import type { Role } from '../contract/permissions.js';
import type { SignInGuard } from '../auth/sign-in-guard.js';
import type { AuditService } from './audit.js';
import { normaliseEmail } from './sign-in.js';
import { actorRole, userRow, userView } from './user-records.js';
import type { UserView } from '../contract/users.js';

export class AccountUnlock {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly guard: SignInGuard,
  ) {}

  async unlock(userId: string, via: 'console' | 'cli' = 'console'): Promise<UserView> {
    const user = await userRow(this.db, userId);
    const actor = actorRole();
    if (!assignableRoles(actor).includes(user.role as Role))
      throw new DomainError('auth/forbidden', `An ${actor} cannot unlock an ${user.role}.`);
    const lockedUntil = (await this.guard.locks([user.email])).get(user.email) ?? null;
    await this.audit.around(
      {
        action: 'user.unlocked',
        target: userId,
        detail: { email: user.email, via, lockedUntil: lockedUntil && new Date(lockedUntil).toISOString() },
      },
      () => this.guard.unlock(user.email),
      (r) => ({ refused: r.refused }),
    );
    const grants = await this.db.providerGrant.findMany({ where: { userId }, select: { providerId: true } });
    return userView(
      user,
      grants.map((g) => g.providerId),
      null,
    );
  }

  async unlockByEmail(emailInput: string, via: 'console' | 'cli'): Promise<UserView> {
    const email = normaliseEmail(emailInput);
    const user = await this.db.user.findUnique({ where: { email } });
    if (!user) throw new DomainError('user/not_found', `There is no account with the email ${email}: no account to unlock.`);
    return this.unlock(user.id, via);
  }
}
