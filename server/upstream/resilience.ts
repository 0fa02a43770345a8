// The resilience policy of token requests, as numbers and one pure rule: when the one retry is allowed.
// The circuit breaker (circuit-breaker.ts) and the clock bound (learned-clocks.ts) read their numbers here.
import type { MintOutcome } from './outcome.js';
import { DEFAULT_MAX_SKEW_SECONDS } from './defaults.js';

/** Circuit breaker, retries and clock-skew learning: one place, so the policy can change. */
export interface ResiliencePolicy {
  /** Consecutive failures (network, timeout, 5xx) of one upstream that open its circuit. */
  breakerFailures: number;
  /** How long an open circuit refuses calls before one probe may go through. */
  breakerOpenMs: number;
  /** Longest Retry-After (s) waited for once before giving the 429/503 to the caller. */
  retryAfterCapSeconds: number;
  /** A Date header measured over a longer round trip than this is not trusted for the clock offset. */
  skewMaxRoundTripMs: number;
  /** Pause before the one retry after a connection-phase error. */
  connectRetryDelayMs: number;
  /**
   * The largest clock offset (s) the client follows. A Date header is input from outside: one that says the
   * upstream is further off is not followed, so no signature is ever dated outside now ± this bound (a
   * signature dated in the future would be a bearer credential for later).
   */
  maxSkewSeconds: number;
}

export const DEFAULT_RESILIENCE: ResiliencePolicy = {
  breakerFailures: 5,
  breakerOpenMs: 30_000,
  retryAfterCapSeconds: 2,
  skewMaxRoundTripMs: 2_000,
  connectRetryDelayMs: 100,
  maxSkewSeconds: DEFAULT_MAX_SKEW_SECONDS,
};

/** Errors raised before the request could reach the upstream: a POST may be sent again. */
const CONNECT_PHASE_CODES = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * Milliseconds to wait before the one retry, or null when the outcome must stand: a connection-phase error,
 * a clock-skew rejection whose offset was just learned, or a 429/503 whose Retry-After fits the cap, each
 * only when the time left (leftMs) allows it.
 */
export function retryDelay(
  policy: ResiliencePolicy,
  outcome: MintOutcome,
  learnedSkewSeconds: number | null,
  leftMs: number,
): number | null {
  if (outcome.kind === 'network_error' && outcome.transportCode && CONNECT_PHASE_CODES.has(outcome.transportCode)) {
    return leftMs > policy.connectRetryDelayMs + 250 ? policy.connectRetryDelayMs : null;
  }
  // The skew was just learned from this very answer: the next signature carries the corrected time.
  if (outcome.kind === 'clock_skew' && outcome.clockOffsetSeconds !== null && learnedSkewSeconds === outcome.clockOffsetSeconds)
    return leftMs > 250 ? 0 : null;
  if (
    (outcome.kind === 'rate_limited' || (outcome.kind === 'upstream_error' && outcome.status === 503)) &&
    outcome.retryAfterSeconds !== undefined
  ) {
    const wait = outcome.retryAfterSeconds * 1000;
    return outcome.retryAfterSeconds <= policy.retryAfterCapSeconds && leftMs > wait + 250 ? wait : null;
  }
  return null;
}
