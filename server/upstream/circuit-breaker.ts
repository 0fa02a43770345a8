// One circuit per upstream origin: after breakerFailures failures in a row (network, timeout, 5xx) calls are
// refused at once for breakerOpenMs, then one probe goes through (half-open) and its outcome decides.
import { tokenUri } from '../frame/entity.js';
import { unixSeconds } from '../frame/signing-rules.js';
import type { FailedOutcome, MintOutcome } from './outcome.js';
import type { ResiliencePolicy } from './resilience.js';
import type { MintRequest } from './transport.js';

/** Outcomes that count against an upstream's circuit. */
const BREAKER_FAILURES = new Set(['network_error', 'timeout', 'upstream_error']);

export interface CircuitState {
  failures: number;
  openUntil: number;
  probing: boolean;
}

export class CircuitBreaker {
  private readonly circuits = new Map<string, CircuitState>();

  constructor(
    private readonly policy: ResiliencePolicy,
    private readonly now: () => number,
  ) {}

  of(origin: string): CircuitState {
    let state = this.circuits.get(origin);
    if (!state) {
      state = { failures: 0, openUntil: 0, probing: false };
      this.circuits.set(origin, state);
    }
    return state;
  }

  /** The refusal while the circuit is open, or null when the call may go (the half-open probe included). */
  refusal(circuit: CircuitState, req: MintRequest, skewSeconds: number | null): FailedOutcome | null {
    if (circuit.failures < this.policy.breakerFailures) return null;
    const now = this.now();
    if (now >= circuit.openUntil && !circuit.probing) {
      circuit.probing = true; // half-open: this call is the probe
      return null;
    }
    const waitSeconds = Math.max(1, Math.ceil((circuit.openUntil - now) / 1000));
    const url = tokenUri(req.baseUrl, req.target);
    return {
      kind: 'circuit_open',
      status: null,
      message: `The upstream failed ${circuit.failures} times in a row; calls to it are paused for ${waitSeconds} s so they fail fast instead of waiting for timeouts.`,
      retryAfterSeconds: waitSeconds,
      clockOffsetSeconds: skewSeconds,
      latencyMs: 0,
      request: { method: 'POST', url, timestamp: unixSeconds(now), clientId: req.clientId, stringToSign: '', signaturePrefix: '' },
    };
  }

  record(circuit: CircuitState, outcome: MintOutcome): void {
    circuit.probing = false;
    if (BREAKER_FAILURES.has(outcome.kind)) {
      circuit.failures++;
      if (circuit.failures >= this.policy.breakerFailures) circuit.openUntil = this.now() + this.policy.breakerOpenMs;
    } else {
      circuit.failures = 0;
      circuit.openUntil = 0;
    }
  }
}
