// The current-password check of a password change, throttled per user like sign-ins (throttle.ts,
// PASSWORD_POLICY; counters in the SignInThrottle table, so a restart forgets no lock and an unlock ends
// it): a stolen session must not become a guessing oracle. admit() before the comparison (the attempt
// counts as a failure from then on, so concurrent guesses cannot pass the limit), then failed(),
// succeeded() or release().
import { DomainError } from '../errors.js';
import { admit, afterFailure, afterSuccess, released, PASSWORD_POLICY } from './throttle.js';
import { passwordCounter, type CounterKey, type ThrottleStore } from './throttle-store.js';

const minutes = (ms: number) => Math.max(1, Math.ceil(ms / 60_000));

export function passwordLocked(ms: number): DomainError {
  return new DomainError(
    'auth/locked',
    `Too many wrong current passwords: changing the password is paused for ${minutes(ms)} more minute(s), and this session has ended. Sign in again; if these attempts were not yours, someone used your session: change your password once the pause ends.`,
    undefined,
    { retryAfterSeconds: Math.max(1, Math.ceil(ms / 1000)) },
  );
}

export class PasswordGuard {
  constructor(
    private readonly store: ThrottleStore,
    private readonly now: () => number,
  ) {}

  /** Lets one comparison through, or throws auth/locked (429). */
  async admit(userId: string, email: string): Promise<CounterKey> {
    const counter = passwordCounter(userId, email);
    const now = this.now();
    const r = await this.store.update([counter], ([state]) => {
      const a = admit(state, PASSWORD_POLICY, now);
      return { states: [a.state], result: a };
    });
    if (!r.admitted) throw passwordLocked(r.retryMs);
    return counter;
  }

  /** The guess was wrong. lockMs > 0 when it set the lock; refusedBefore: attempts refused since the last lock. */
  async failed(counter: CounterKey): Promise<{ lockMs: number; refusedBefore: number }> {
    const now = this.now();
    return this.store.update([counter], ([state]) => {
      const f = afterFailure(state, PASSWORD_POLICY, now);
      return { states: [f.state], result: { lockMs: f.lockMs, refusedBefore: f.summary } };
    });
  }

  async succeeded(counter: CounterKey): Promise<void> {
    await this.store.update([counter], ([state]) => ({ states: [afterSuccess(state)], result: null }));
  }

  /** The attempt could not be judged (busy, audit log down): it gives its place back. */
  async release(counter: CounterKey): Promise<void> {
    await this.store.update([counter], ([state]) => ({ states: [released(state)], result: null }));
  }
}
