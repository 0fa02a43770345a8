// The sign-in flow's throttling, around the password comparison (UserService.signIn): admit() before
// (cheap: no argon2, no audit row of its own), then failed() or succeeded() after, or release() when the
// attempt could not be judged. The rules are in throttle.ts.
// Refused attempts write no audit row each: an address that becomes throttled writes one row, a lock
// writes one row (with the number of attempts refused since the previous lock), and what a counter
// refused after that is summed up in one row when it expires or is unlocked.
import type { Db } from '../db/client.js';
import { DomainError } from '../errors.js';
import type { AuditService } from '../services/audit.js';
import { runInContext } from './context.js';
import { TrustedDevices } from './devices.js';
import { HashAdmission } from './hash-admission.js';
import { ACCOUNT_POLICY, ADDRESS_POLICY, PAIR_POLICY, admit, afterFailure, afterSuccess, released, DEVICE_FAILURES } from './throttle.js';
import { accountCounter, addressCounter, pairCounter, ThrottleStore, type CounterKey, type RefusedSummary } from './throttle-store.js';

export type Admission = { kind: 'device'; deviceId: string } | { kind: 'untrusted'; account: CounterKey; pair: CounterKey };

const PURGE_EVERY_MS = 60_000;
const minutes = (ms: number) => Math.max(1, Math.ceil(ms / 60_000));
const retryAfter = (ms: number) => ({ retryAfterSeconds: Math.max(1, Math.ceil(ms / 1000)) });

function accountLocked(ms: number): DomainError {
  return new DomainError(
    'auth/locked',
    `Too many failed sign-ins for this account: sign-in from browsers not used with it before is paused for ${minutes(ms)} more minute(s). A browser you signed in with before still works, and an owner or admin can unlock the account.`,
    undefined,
    retryAfter(ms),
  );
}

function pairLocked(ms: number): DomainError {
  return new DomainError(
    'auth/locked',
    `Too many failed sign-ins for this account from this address: try again in ${minutes(ms)} minute(s).`,
    undefined,
    retryAfter(ms),
  );
}

function throttled(ms: number): DomainError {
  return new DomainError(
    'auth/throttled',
    `Too many sign-in attempts from this address; try again in ${minutes(ms)} minute(s).`,
    undefined,
    retryAfter(ms),
  );
}

export class SignInGuard {
  readonly store: ThrottleStore;
  readonly devices: TrustedDevices;
  /** Places in the argon2 line: trusted browsers first, a bounded number waiting (hash-queue.ts). */
  readonly hashing: HashAdmission;
  private lastPurge = Number.NEGATIVE_INFINITY;

  constructor(
    db: Db,
    private readonly audit: AuditService,
    private readonly now: () => number,
  ) {
    this.store = new ThrottleStore(db);
    this.devices = new TrustedDevices(db, now);
    this.hashing = new HashAdmission(audit, now);
  }

  /**
   * Lets an attempt through to the password comparison, or throws auth/throttled or auth/locked. A browser
   * trusted for this user passes on its own limit; every other attempt on its address's, its (email,
   * address) pair's and its email's. `userId` is the account of this email, null when there is none.
   */
  async admit(email: string, ip: string, deviceToken: string | undefined, userId: string | null): Promise<Admission> {
    const now = this.now();
    await this.purgeIfDue(now);
    const deviceId = await this.devices.claim(deviceToken, userId);
    if (deviceId) return { kind: 'device', deviceId };

    const address = addressCounter(ip);
    const byAddress = await this.store.update([address], ([state]) => {
      const r = admit(state, ADDRESS_POLICY, now);
      return { states: [r.state], result: r };
    });
    if (byAddress.summary) await this.summarise({ scope: 'address', subject: address.subject, refused: byAddress.summary });
    if (!byAddress.admitted) {
      if (byAddress.first) {
        await this.audit.record({
          action: 'auth.throttled',
          outcome: 'auth/throttled',
          detail: { email, limit: ADDRESS_POLICY.limit, windowMinutes: ADDRESS_POLICY.windowMs / 60_000 },
        });
      }
      throw throttled(byAddress.retryMs);
    }

    const account = accountCounter(email);
    const pair = pairCounter(email, ip);
    const refusal = await this.store.update([account, pair], ([acc, pr]) => {
      const a = admit(acc, ACCOUNT_POLICY, now);
      const p = admit(pr, PAIR_POLICY, now);
      if (a.admitted && p.admitted) return { states: [a.state, p.state], result: null };
      // Refused: the counter that refuses records it; the other does not count the attempt.
      const error = !a.admitted ? accountLocked(a.retryMs) : !p.admitted ? pairLocked(p.retryMs) : null;
      return { states: [a.admitted ? acc : a.state, p.admitted ? pr : p.state], result: error };
    });
    if (refusal) throw refusal;
    return { kind: 'untrusted', account, pair };
  }

  /** The password was wrong (or the account disabled). Throws auth/locked when this failure set a lock. */
  async failed(admission: Admission, email: string, userId: string | null): Promise<void> {
    if (admission.kind === 'device') {
      if (await this.devices.failed(admission.deviceId)) {
        await this.audit.record({
          action: 'auth.device_distrusted',
          target: userId,
          outcome: 'ok',
          detail: { email, failures: DEVICE_FAILURES },
        });
      }
      return;
    }
    const now = this.now();
    const { a, p } = await this.store.update([admission.account, admission.pair], ([acc, pr]) => {
      const a = afterFailure(acc, ACCOUNT_POLICY, now);
      const p = afterFailure(pr, PAIR_POLICY, now);
      return { states: [a.state, p.state], result: { a, p } };
    });
    if (a.lockMs > 0) {
      await this.audit.record({
        action: 'auth.locked',
        target: userId,
        outcome: 'ok',
        detail: { email, scope: 'account', minutes: a.lockMs / 60_000, refusedBefore: a.summary },
      });
      throw accountLocked(a.lockMs);
    }
    if (p.lockMs > 0) {
      await this.audit.record({
        action: 'auth.locked',
        target: userId,
        outcome: 'ok',
        detail: { email, scope: 'pair', address: admission.pair.subject.address, minutes: p.lockMs / 60_000, refusedBefore: p.summary },
      });
      throw pairLocked(p.lockMs);
    }
  }

  /**
   * The password was right: the (email, address) pair's failures are forgiven, the email's counter only
   * takes this attempt back (the owner signing in must not reset a stranger's count). Returns the new
   * device cookie token for this browser.
   */
  async succeeded(admission: Admission, userId: string, presentedDevice: string | undefined): Promise<string> {
    if (admission.kind === 'untrusted') {
      await this.store.update([admission.account, admission.pair], ([acc, pr]) => ({
        states: [released(acc), afterSuccess(pr)],
        result: null,
      }));
    }
    return this.devices.issue(userId, presentedDevice);
  }

  /** The attempt could not be judged (the audit log was unavailable): it gives its place back. */
  async release(admission: Admission): Promise<void> {
    if (admission.kind === 'device') return this.devices.release(admission.deviceId);
    await this.store.update([admission.account, admission.pair], ([acc, pr]) => ({ states: [released(acc), released(pr)], result: null }));
  }

  /** When each of these emails' account lock ends, for those locked now. */
  locks(emails: string[]): Promise<Map<string, number>> {
    return this.store.locks(emails, this.now());
  }

  /** Ends every lock of an email (its account counter and its (email, address) counters). */
  unlock(email: string): Promise<{ refused: number }> {
    return this.store.unlock(email);
  }

  /** Expired counters go (their refused attempts summed up on record first), and expired trusted browsers. */
  async purgeIfDue(now: number): Promise<void> {
    if (now - this.lastPurge < PURGE_EVERY_MS) return;
    this.lastPurge = now;
    for (const summary of await this.store.purge(now)) await this.summarise(summary);
    await this.devices.purge();
    await this.hashing.summariseIfDue(now);
  }

  /** One row for attempts a counter refused, written by the console itself (not by whoever is signing in now). */
  private summarise(summary: RefusedSummary): Promise<void> {
    if (summary.refused === 0) return Promise.resolve();
    const outcome = summary.scope === 'address' ? 'auth/throttled' : 'auth/locked';
    return runInContext({ principal: { kind: 'system', name: 'system' }, requestId: null, ip: null }, () =>
      this.audit.record({
        action: 'auth.refused',
        outcome,
        detail: { scope: summary.scope, ...summary.subject, refused: summary.refused },
      }),
    );
  }
}
