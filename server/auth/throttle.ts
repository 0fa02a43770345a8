// Sign-in throttling rules, as pure functions of a counter's state and the time (the store is
// throttle-store.ts, the flow sign-in-guard.ts). A lock a stranger can trigger must not keep the owner
// out, and guessing must stay slow:
//   - a browser that signed in before (a trusted device, devices.ts) is held back by none of the locks
//     below, only by its own failures: 5 and it is trusted no more;
//   - every other attempt counts against its client address (30 attempts per 5 minutes, successful ones
//     too: the cost of an argon2 comparison and of an audit row is what is limited), against the pair
//     (email, address) (5 failures in 15 minutes lock that pair for 15 minutes) and against the email
//     (10 failures within 24 hours lock it for untrusted browsers for 15 minutes, each lock twice as long
//     as the one before, up to 24 hours; one step is forgiven per day without a lock).
// With as many addresses as wanted that is 30 guesses in the first hour, 70 in the first day and 10 a day
// after: about 3,700 a year against a password of 12+ characters that is not a common one.
// Known and unknown emails follow exactly the same rules, so the answers never tell them apart.
// Addresses are counted per client (address-group.ts): an IPv4 address, or an IPv6 /64.
// An attempt counts as a failure from the moment it is let in (the comparison takes time; concurrent
// attempts must not all pass a limit that is checked before any of them failed); a success takes it back.

export interface Policy {
  /** Failures (attempts, for an address) let in per window; the one after is refused or locks. */
  limit: number;
  windowMs: number;
  /** The first lock; 0 for a plain window counter (refused until the window ends, no lock). */
  lockMs: number;
  /** Locks double up to this. */
  maxLockMs: number;
  /** One doubling is forgiven per this long without a lock. */
  decayMs: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export const ADDRESS_POLICY: Policy = { limit: 30, windowMs: 5 * MINUTE, lockMs: 0, maxLockMs: 0, decayMs: 0 };
export const PAIR_POLICY: Policy = { limit: 5, windowMs: 15 * MINUTE, lockMs: 15 * MINUTE, maxLockMs: 15 * MINUTE, decayMs: 0 };
export const ACCOUNT_POLICY: Policy = { limit: 10, windowMs: 24 * HOUR, lockMs: 15 * MINUTE, maxLockMs: 24 * HOUR, decayMs: 24 * HOUR };
/**
 * The current password asked for by a password change, per user (a stolen session must not become a
 * guessing oracle): 5 wrong in 15 minutes lock password changes for 15 minutes and end the session.
 */
export const PASSWORD_POLICY: Policy = { limit: 5, windowMs: 15 * MINUTE, lockMs: 15 * MINUTE, maxLockMs: 15 * MINUTE, decayMs: 0 };
/** Failures a trusted browser may make before it is trusted no more. */
export const DEVICE_FAILURES = 5;
/** How long a browser stays trusted after its last successful sign-in. */
export const DEVICE_TTL_MS = 90 * 24 * HOUR;

export interface CounterState {
  failures: number;
  windowStart: number;
  /** End of the current or the last lock (in the past once it ended); null if never locked. */
  lockedUntil: number | null;
  /** Locks so far, for the doubling. */
  level: number;
  /** Attempts refused and not yet on record. */
  refused: number;
}

export function freshState(now: number): CounterState {
  return { failures: 0, windowStart: now, lockedUntil: null, level: 0, refused: 0 };
}

export function isLocked(state: CounterState, now: number): boolean {
  return state.lockedUntil !== null && state.lockedUntil > now;
}

/** The doubling level after forgiving one step per decay period since the last lock ended. */
export function effectiveLevel(state: CounterState, policy: Policy, now: number): number {
  if (state.lockedUntil === null || policy.decayMs === 0 || now <= state.lockedUntil) return state.level;
  return Math.max(0, state.level - Math.floor((now - state.lockedUntil) / policy.decayMs));
}

/** How long the next lock lasts. */
export function lockDuration(state: CounterState, policy: Policy, now: number): number {
  return Math.min(policy.lockMs * 2 ** effectiveLevel(state, policy, now), policy.maxLockMs);
}

/** When nothing in the state matters any more and the row may go (after its refused count is on record). */
export function expiresAt(state: CounterState, policy: Policy): number {
  const lockEnd = state.lockedUntil ?? 0;
  return Math.max(state.windowStart + policy.windowMs, lockEnd + state.level * policy.decayMs, lockEnd);
}

export type Admission =
  | { admitted: true; state: CounterState; summary: number }
  /** first: the first refusal since the counter last let an attempt through (for an address: the one that throttles it). */
  | { admitted: false; state: CounterState; retryMs: number; first: boolean; summary: number };

/**
 * One attempt against a counter. `summary` is the number of attempts a window counter refused in a window
 * that has now ended, to put on record once (lock counters report theirs when the next lock is set).
 */
export function admit(prior: CounterState | undefined, policy: Policy, now: number): Admission {
  const s = { ...(prior ?? freshState(now)) };
  let summary = 0;
  if (isLocked(s, now)) {
    s.refused++;
    return { admitted: false, state: s, retryMs: s.lockedUntil! - now, first: false, summary };
  }
  if (now - s.windowStart >= policy.windowMs) {
    if (policy.lockMs === 0) {
      summary = s.refused;
      s.refused = 0;
    }
    s.failures = 0;
    s.windowStart = now;
  }
  if (s.failures >= policy.limit) {
    // A window counter refuses until its window ends; a lock counter is full of attempts still in flight,
    // which will set the lock when they fail, or give their place back when they succeed.
    const retryMs = policy.lockMs === 0 ? s.windowStart + policy.windowMs - now : lockDuration(s, policy, now);
    const first = s.refused === 0;
    s.refused++;
    return { admitted: false, state: s, retryMs, first, summary };
  }
  s.failures++;
  return { admitted: true, state: s, summary };
}

/**
 * An admitted attempt failed: locks the counter when it was the last one allowed. When this failure set
 * the lock, `lockMs` > 0 and `summary` is the number of attempts refused since the previous lock was set.
 */
export function afterFailure(
  prior: CounterState | undefined,
  policy: Policy,
  now: number,
): { state: CounterState; lockMs: number; summary: number } {
  // A counter removed meanwhile (an unlock, a purge) starts again with this failure.
  const s = prior ? { ...prior } : { ...freshState(now), failures: 1 };
  if (policy.lockMs === 0 || isLocked(s, now) || s.failures < policy.limit) return { state: s, lockMs: 0, summary: 0 };
  const lockMs = lockDuration(s, policy, now);
  return {
    state: { ...s, failures: 0, windowStart: now, lockedUntil: now + lockMs, level: effectiveLevel(s, policy, now) + 1, refused: 0 },
    lockMs,
    summary: s.refused,
  };
}

/** An admitted attempt succeeded: the failures so far are forgiven; the lock history stays. */
export function afterSuccess(prior: CounterState | undefined): CounterState | undefined {
  return prior && { ...prior, failures: 0 };
}

/** An admitted attempt could not be judged (the audit log was unavailable): it gives its place back. */
export function released(prior: CounterState | undefined): CounterState | undefined {
  return prior && { ...prior, failures: Math.max(0, prior.failures - 1) };
}
