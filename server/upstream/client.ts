// The client the services call for Frame's token endpoint (or the emulator): the transport (transport.ts:
// undici, signing, reading) under the resilience policy (resilience.ts): a circuit per upstream
// (circuit-breaker.ts), at most one retry where it is safe, and signatures dated by each upstream's learned
// clock within a bound (learned-clocks.ts).
import type { Dispatcher } from 'undici';
import { AllowedHosts } from './address-policy.js';
import type { Resolver } from './guarded-connect.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { LearnedClocks, type ClockReport, type ClockState } from './learned-clocks.js';
import { DEFAULT_RESILIENCE, retryDelay, type ResiliencePolicy } from './resilience.js';
import { UpstreamTransport, type AnswerClock, type JsonFetch, type MintRequest } from './transport.js';
import { DEFAULT_TIMEOUTS, type UpstreamTimeouts } from './defaults.js';
import type { FailedOutcome, MintOutcome } from './outcome.js';

export { frameShapedError, frameShapedErrorOf } from './response.js';
export { SKEW_SUSPECT_SECONDS } from './classify.js';
export type { JsonFetch, MintRequest } from './transport.js';
export { DEFAULT_MAX_SKEW_SECONDS, DEFAULT_TIMEOUTS, type UpstreamTimeouts } from './defaults.js';
export { DEFAULT_RESILIENCE, type ResiliencePolicy } from './resilience.js';
export type { ClockReport } from './learned-clocks.js';

export interface UpstreamClientOptions {
  timeouts?: Partial<UpstreamTimeouts>;
  resilience?: Partial<ResiliencePolicy>;
  /** Our clock in ms; tests skew it without sleeping. */
  now?: () => number;
  /** The pause before the one retry (setTimeout); tests record it instead of spending it. */
  sleep?: (ms: number) => Promise<void>;
  dispatcher?: Dispatcher;
  /** Private hosts the operator allows as upstreams (UPSTREAM_ALLOW_HOSTS): "host" or "host:port". */
  allowHosts?: readonly string[];
  /** Name resolution for guarded calls (dns.lookup); tests make a name rebind to loopback. */
  resolve?: Resolver;
}

export class UpstreamClient {
  readonly timeouts: UpstreamTimeouts;
  readonly allowed: AllowedHosts;
  readonly policy: ResiliencePolicy;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly transport: UpstreamTransport;
  private readonly clocks: LearnedClocks;
  private readonly circuits: CircuitBreaker;

  constructor(options: UpstreamClientOptions = {}) {
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    this.policy = { ...DEFAULT_RESILIENCE, ...options.resilience };
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.allowed = new AllowedHosts(options.allowHosts);
    this.transport = new UpstreamTransport(this.timeouts, this.allowed, this.now, {
      dispatcher: options.dispatcher,
      resolve: options.resolve,
    });
    this.clocks = new LearnedClocks(this.policy);
    this.circuits = new CircuitBreaker(this.policy, this.now);
  }

  /** What the readiness route shows: each upstream's last measured clock offset, and whether it is followed. */
  clockOffsets(): ClockReport[] {
    return this.clocks.reports();
  }

  /** The clock offset (s) this client signs with for an upstream: learned from its Date headers, else 0. */
  skewFor(baseUrl: string): number {
    return this.clocks.skewFor(new URL(baseUrl).origin);
  }

  close(): Promise<void> {
    return this.transport.close();
  }

  /** A GET of JSON (JWKS, /me/assertions) with the same timeouts. Never throws. */
  getJson(url: string, headers: Record<string, string> = {}, opts: { trusted?: boolean } = {}): Promise<JsonFetch> {
    return this.transport.getJson(url, headers, opts);
  }

  /**
   * Signs and sends a token request, with the resilience policy: a refusal while the upstream's circuit
   * is open; at most one retry, and only where it is safe (a connection-phase error, a clock-skew rejection
   * once the skew is learned, a 429/503 whose Retry-After fits the cap and the time left). Never throws for
   * upstream or network problems.
   */
  async mintToken(req: MintRequest): Promise<MintOutcome> {
    const origin = new URL(req.baseUrl).origin;
    const clock = this.clocks.of(origin);
    const circuit = this.circuits.of(origin);
    const answers = this.answerClock(clock);
    const started = performance.now();
    const deadline = started + this.timeouts.totalMs;
    const refused =
      this.circuits.refusal(circuit, req, clock.skewSeconds) ??
      (clock.outOfBound ? await this.clockRefusal(req, clock, answers, deadline - performance.now()) : null);
    if (refused) return { ...refused, latencyMs: Math.round((performance.now() - started) * 100) / 100 };
    // clock.skewSeconds is within the bound by construction (learned-clocks.ts): the timestamp is within now ± bound.
    let outcome = await this.transport.signedCall(req, clock.skewSeconds ?? 0, deadline - performance.now(), answers);
    const delay = retryDelay(this.policy, outcome, clock.skewSeconds, deadline - performance.now());
    if (delay !== null) {
      if (delay > 0) await this.sleep(delay);
      outcome = await this.transport.signedCall(req, clock.skewSeconds ?? 0, deadline - performance.now(), answers);
    }
    this.circuits.record(circuit, outcome);
    return { ...outcome, latencyMs: Math.round((performance.now() - started) * 100) / 100 };
  }

  private answerClock(clock: ClockState): AnswerClock {
    return {
      observe: (headers, sentMs, receivedMs) => this.clocks.observe(clock, headers, sentMs, receivedMs),
      maxSkewSeconds: this.clocks.maxSkewSeconds,
      outOfBoundMessage: (offset) => this.clocks.outOfBoundMessage(offset),
    };
  }

  /**
   * While an upstream's clock was last seen beyond the bound, each mint first measures it again with an
   * unsigned request (no credential leaves). Back within the bound, the offset is learned and the mint goes
   * on; still beyond it, the mint is refused and nothing is signed.
   */
  private async clockRefusal(req: MintRequest, clock: ClockState, answers: AnswerClock, budgetMs: number): Promise<FailedOutcome | null> {
    const { request, failed } = await this.transport.unsignedProbe(req, budgetMs, answers);
    if (failed) return failed;
    if (!clock.outOfBound) return null;
    return {
      kind: 'clock_skew',
      status: null,
      message: this.clocks.outOfBoundMessage(clock.outOfBound.offsetSeconds),
      clockOffsetSeconds: clock.outOfBound.offsetSeconds,
      latencyMs: 0,
      request,
    };
  }
}
