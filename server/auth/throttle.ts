// Sign-in throttling. Accounts: 5 failures within 5 minutes lock the account for 15 minutes (stored on the
// user row for real accounts; kept in memory for unknown emails, so both answer alike). Addresses: at most
// 30 attempts per 5 minutes per client IP, in memory.
export const LOCK_AFTER_FAILURES = 5;
export const FAILURE_WINDOW_MS = 5 * 60_000;
export const LOCK_MS = 15 * 60_000;
export const IP_ATTEMPTS = 30;
export const IP_WINDOW_MS = 5 * 60_000;
const MAX_TRACKED = 10_000;

export interface FailureState {
  failedLogins: number;
  firstFailedAt: number | null;
  lockedUntil: number | null;
}

/** The state after one more failure; `locked` says whether this failure set the lock. */
export function afterFailure(state: FailureState, now: number): FailureState & { locked: boolean } {
  const fresh = state.firstFailedAt === null || now - state.firstFailedAt > FAILURE_WINDOW_MS;
  const failedLogins = fresh ? 1 : state.failedLogins + 1;
  const firstFailedAt = fresh ? now : state.firstFailedAt;
  const locked = failedLogins >= LOCK_AFTER_FAILURES;
  return locked ? { failedLogins: 0, firstFailedAt: null, lockedUntil: now + LOCK_MS, locked } : { failedLogins, firstFailedAt, lockedUntil: state.lockedUntil, locked };
}

export function lockedFor(state: Pick<FailureState, 'lockedUntil'>, now: number): number {
  return state.lockedUntil !== null && state.lockedUntil > now ? state.lockedUntil - now : 0;
}

/** A fixed-window counter per key with a bound on how many keys it remembers. */
export class WindowCounter {
  private readonly entries = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Counts one attempt; returns the milliseconds to wait when over the limit, else 0. */
  hit(key: string, now: number): number {
    let entry = this.entries.get(key);
    if (!entry || now - entry.start >= this.windowMs) {
      if (this.entries.size >= MAX_TRACKED) this.entries.delete(this.entries.keys().next().value!);
      entry = { start: now, count: 0 };
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    entry.count++;
    return entry.count > this.limit ? entry.start + this.windowMs - now : 0;
  }
}

/** Failure states of emails that have no account, so they lock exactly like real ones. */
export class UnknownAccounts {
  private readonly states = new Map<string, FailureState>();

  get(email: string): FailureState {
    return this.states.get(email) ?? { failedLogins: 0, firstFailedAt: null, lockedUntil: null };
  }

  set(email: string, state: FailureState): void {
    if (!this.states.has(email) && this.states.size >= MAX_TRACKED) this.states.delete(this.states.keys().next().value!);
    this.states.set(email, state);
  }
}
