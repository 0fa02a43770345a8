// The console's first account: the owner, from env vars or from the set-up screen with a one-time code that
// only the console's log shows. Refused once any user exists.
import { randomBytes, randomUUID } from 'node:crypto';
import { constantTimeEqual } from '../crypto/constant-time.js';
import type { Db } from '../db/client.js';
import { DomainError } from '../errors.js';
import type { AuditService } from './audit.js';
import { normaliseEmail, weak, type PasswordChecks } from './sign-in.js';
import { userView } from './user-records.js';
import type { UserView } from '../contract/users.js';

export class OwnerSetup {
  /** While the console has no user: the one-time code the owner set-up asks for, printed in the log only. */
  private setupCode: string | null = null;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly passwords: PasswordChecks,
    private readonly now: () => number,
  ) {}

  /**
   * A fresh set-up code when the console has no user yet, so that only someone who can read the console's
   * log (its operator) can create the owner from the browser, not whoever reaches the port first.
   */
  async setupCodeIfNeeded(): Promise<string | null> {
    if ((await this.db.user.count()) > 0) return (this.setupCode = null);
    this.setupCode ??= randomBytes(8)
      .toString('hex')
      .replace(/(.{4})(?=.)/g, '$1-');
    return this.setupCode;
  }

  /**
   * The first account: from env vars (no code), or from the set-up screen with the code from the log.
   * Refused once any user exists.
   */
  async createOwner(
    input: { email: string; password: string; name?: string | undefined; setupCode?: string | undefined },
    opts: { fromEnv?: boolean } = {},
  ): Promise<UserView> {
    const email = normaliseEmail(input.email);
    if (!opts.fromEnv) {
      if ((await this.db.user.count()) > 0) throw new DomainError('auth/setup_done', 'The console already has an owner: sign in instead.');
      const given = (input.setupCode ?? '').trim().toLowerCase();
      if (!this.setupCode || !constantTimeEqual(this.setupCode, given)) {
        await this.audit.record({ action: 'user.created', outcome: 'auth/setup_code', detail: { email, role: 'owner', via: 'setup' } });
        throw new DomainError(
          'auth/setup_code',
          'The set-up code is wrong: use the code printed in the console\'s log when it started ("set-up code").',
          [{ field: 'setupCode', message: 'wrong set-up code' }],
        );
      }
    }
    weak(input.password, email);
    const passwordHash = await this.passwords.newHash(input.password, email);
    return this.audit.around(
      { action: 'user.created', detail: { email, role: 'owner', via: 'setup' } },
      async () => {
        const user = await this.db.$transaction(async (tx) => {
          if ((await tx.user.count()) > 0) throw new DomainError('auth/setup_done', 'The console already has an owner: sign in instead.');
          return tx.user.create({
            data: { id: randomUUID(), email, name: input.name ?? '', role: 'owner', passwordHash, passwordChangedAt: new Date(this.now()) },
          });
        });
        this.setupCode = null;
        return userView(user, [], null);
      },
      (u) => ({ userId: u.id }),
    );
  }
}
