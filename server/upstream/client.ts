// The HTTP client to Frame's token endpoint (or the emulator): keep-alive, bounded timeouts, typed outcomes.
// No error message or log line carries the secret: it is only revealed to compute the signature.
import type { Dispatcher } from 'undici';
import { tokenUri, type TokenTarget } from '../frame/entity.js';
import { signedHeaders } from '../crypto/frame-signature.js';
import { SIGNATURE_PREFIX_LENGTH, stringToSign, unixSeconds } from '../frame/signing-rules.js';
import type { TokenRequestBody } from '../frame/token-body.js';
import type { Secret } from '../crypto/secret.js';
import { clockOffsetSeconds, describeOffset } from './clock.js';
import { DEFAULT_MAX_SKEW_SECONDS, DEFAULT_TIMEOUTS, type UpstreamTimeouts } from './defaults.js';
import { AllowedHosts } from './address-policy.js';
import { guardedConnector, type Resolver } from './guarded-connect.js';
import { blockedBy, blockedMessage, BodyTooLarge, errorCode, header, MAX_RESPONSE_BYTES, readLimited, type Fail } from './response.js';
import { classifyAnswer, describeTransportFailure } from './classify.js';

export { frameShapedError, frameShapedErrorOf } from './response.js';
export { SKEW_SUSPECT_SECONDS } from './classify.js';
import type { FailedOutcome, MintOutcome, SignedRequestInfo } from './outcome.js';

/** One upstream's clock as the readiness route shows it. */
export interface ClockReport {
  upstream: string;
  offsetSeconds: number;
  measuredAt: string;
  /** False when the offset is beyond UPSTREAM_MAX_SKEW_SECONDS: the console then signs nothing for it. */
  withinBound: boolean;
  message: string;
}

// undici is loaded on the first upstream call, not at start-up: it is the largest module the console
// imports (about 130 ms of a cold start) and a console that has not minted yet does not need it.
let undici: Promise<typeof import('undici')> | undefined;
const loadUndici = () => (undici ??= import('undici'));

export interface MintRequest {
  baseUrl: string;
  /** The console's own built-in emulator: the only upstream reached without the address policy. */
  trusted?: boolean | undefined;
  target: TokenTarget;
  clientId: string;
  secret: Secret;
  body: TokenRequestBody;
}

export type JsonFetch = { ok: true; status: number; json: unknown; latencyMs: number } | { ok: false; status: number | null; message: string; latencyMs: number };

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

export const DEFAULT_RESILIENCE: ResiliencePolicy = { breakerFailures: 5, breakerOpenMs: 30_000, retryAfterCapSeconds: 2, skewMaxRoundTripMs: 2_000, connectRetryDelayMs: 100, maxSkewSeconds: DEFAULT_MAX_SKEW_SECONDS };

/** Errors raised before the request could reach the upstream: a POST may be sent again. */
const CONNECT_PHASE_CODES = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
/** Outcomes that count against an upstream's circuit. */
const BREAKER_FAILURES = new Set(['network_error', 'timeout', 'upstream_error']);

interface HostState {
  /** Upstream clock minus ours (s), learned from trusted Date headers and applied to the next signature; within the bound. */
  skewSeconds: number | null;
  measuredAt: number;
  /** The last offset measured beyond the bound: until a fresh measure is within it, nothing is signed. */
  outOfBound: { offsetSeconds: number; measuredAt: number } | null;
  failures: number;
  openUntil: number;
  probing: boolean;
}

export interface UpstreamClientOptions {
  timeouts?: Partial<UpstreamTimeouts>;
  resilience?: Partial<ResiliencePolicy>;
  /** Our clock in ms; tests skew it without sleeping. */
  now?: () => number;
  dispatcher?: Dispatcher;
  /** Private hosts the operator allows as upstreams (UPSTREAM_ALLOW_HOSTS): "host" or "host:port". */
  allowHosts?: readonly string[];
  /** Name resolution for guarded calls (dns.lookup); tests make a name rebind to loopback. */
  resolve?: Resolver;
}

export class UpstreamClient {
  readonly timeouts: UpstreamTimeouts;
  private readonly now: () => number;
  private dispatcher: Dispatcher | undefined;
  /** For every upstream but the built-in emulator: refuses private, loopback and link-local addresses. */
  private guardedDispatcher: Dispatcher | undefined;
  private readonly ownsDispatcher: boolean;
  readonly allowed: AllowedHosts;
  private readonly resolve: Resolver | undefined;
  readonly policy: ResiliencePolicy;
  /** Per upstream origin: learned clock skew and circuit state. */
  private readonly hosts = new Map<string, HostState>();

  constructor(options: UpstreamClientOptions = {}) {
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    this.policy = { ...DEFAULT_RESILIENCE, ...options.resilience };
    this.now = options.now ?? Date.now;
    this.ownsDispatcher = !options.dispatcher;
    this.dispatcher = options.dispatcher;
    this.guardedDispatcher = options.dispatcher;
    this.allowed = new AllowedHosts(options.allowHosts);
    this.resolve = options.resolve;
  }

  /** undici's request function and a connection pool (guarded unless trusted), created on first use. */
  private async transport(trusted = false): Promise<{ request: typeof import('undici').request; dispatcher: Dispatcher }> {
    const { Agent, buildConnector, request } = await loadUndici();
    const agent = (connect: import('undici').Agent.Options['connect']) =>
      new Agent({ connect, headersTimeout: this.timeouts.headersMs, bodyTimeout: this.timeouts.bodyMs, keepAliveTimeout: 30_000 });
    if (trusted) {
      this.dispatcher ??= agent({ timeout: this.timeouts.connectMs });
      return { request, dispatcher: this.dispatcher };
    }
    this.guardedDispatcher ??= agent(guardedConnector(buildConnector, { timeout: this.timeouts.connectMs }, this.allowed, this.resolve));
    return { request, dispatcher: this.guardedDispatcher };
  }

  /** What the readiness route shows: each upstream's last measured clock offset, and whether it is followed. */
  clockOffsets(): ClockReport[] {
    return [...this.hosts].flatMap(([upstream, h]): ClockReport[] => {
      if (h.outOfBound) {
        return [{ upstream, offsetSeconds: h.outOfBound.offsetSeconds, measuredAt: new Date(h.outOfBound.measuredAt).toISOString(), withinBound: false, message: this.outOfBoundMessage(h.outOfBound.offsetSeconds) }];
      }
      if (h.skewSeconds === null) return [];
      return [{ upstream, offsetSeconds: h.skewSeconds, measuredAt: new Date(h.measuredAt).toISOString(), withinBound: true, message: describeOffset(h.skewSeconds) }];
    });
  }

  private outOfBoundMessage(offset: number): string {
    return `The upstream's Date header says ${describeOffset(offset)}, beyond the ±${this.policy.maxSkewSeconds} s the console follows (UPSTREAM_MAX_SKEW_SECONDS): this machine's clock or the upstream's is wrong. Nothing is signed for it until the clocks agree; fix the clock (NTP).`;
  }

  /**
   * The clock offset an answer's Date header shows (null without one), learned only from fresh answers: not
   * from a cache (Age) nor over a round trip too long to time.
   */
  private observeClock(host: HostState, headers: Record<string, string | string[] | undefined>, sentMs: number, receivedMs: number): number | null {
    const offset = clockOffsetSeconds(header(headers, 'date'), sentMs, receivedMs);
    if (offset !== null && header(headers, 'age') === undefined && receivedMs - sentMs <= this.policy.skewMaxRoundTripMs) this.learnOffset(host, offset, receivedMs);
    return offset;
  }

  /**
   * Learns the offset of one fresh answer: followed within the bound; beyond it, remembered as a clock problem
   * and not followed (signing then stops until a measure is back within the bound).
   */
  private learnOffset(host: HostState, offset: number, receivedMs: number): void {
    if (Math.abs(offset) <= this.policy.maxSkewSeconds) {
      host.skewSeconds = offset;
      host.measuredAt = receivedMs;
      host.outOfBound = null;
    } else {
      host.skewSeconds = null;
      host.outOfBound = { offsetSeconds: offset, measuredAt: receivedMs };
    }
  }

  /** The clock offset (s) this client signs with for an upstream: learned from its Date headers, else 0. */
  skewFor(baseUrl: string): number {
    return this.hosts.get(new URL(baseUrl).origin)?.skewSeconds ?? 0;
  }

  private host(origin: string): HostState {
    let state = this.hosts.get(origin);
    if (!state) {
      state = { skewSeconds: null, measuredAt: 0, outOfBound: null, failures: 0, openUntil: 0, probing: false };
      this.hosts.set(origin, state);
    }
    return state;
  }

  async close(): Promise<void> {
    if (this.ownsDispatcher) await Promise.all([this.dispatcher?.close(), this.guardedDispatcher?.close()]);
  }

  /** A GET of JSON (JWKS, /me/assertions) with the same timeouts. Never throws. */
  async getJson(url: string, headers: Record<string, string> = {}, opts: { trusted?: boolean } = {}): Promise<JsonFetch> {
    const started = performance.now();
    const elapsed = () => Math.round((performance.now() - started) * 100) / 100;
    try {
      const { request, dispatcher } = await this.transport(opts.trusted);
      const response = await request(url, { method: 'GET', headers: { accept: 'application/json', ...headers }, dispatcher, signal: AbortSignal.timeout(this.timeouts.totalMs) });
      const text = await readLimited(response.body, MAX_RESPONSE_BYTES);
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        return { ok: false, status: response.statusCode, message: `The upstream answered ${response.statusCode} with a body that is not JSON.`, latencyMs: elapsed() };
      }
      return { ok: true, status: response.statusCode, json, latencyMs: elapsed() };
    } catch (err) {
      const blocked = blockedBy(err);
      const message = err instanceof BodyTooLarge ? err.message : blocked ? blockedMessage(url, blocked) : `The upstream could not be reached (${errorCode(err)}).`;
      return { ok: false, status: null, message, latencyMs: elapsed() };
    }
  }

  /**
   * Signs and sends a token request, with the resilience policy: a refusal while the upstream's circuit
   * is open; at most one retry, and only where it is safe (a connection-phase error, a clock-skew rejection
   * once the skew is learned, a 429/503 whose Retry-After fits the cap and the time left). Never throws for
   * upstream or network problems.
   */
  async mintToken(req: MintRequest): Promise<MintOutcome> {
    const host = this.host(new URL(req.baseUrl).origin);
    const started = performance.now();
    const deadline = started + this.timeouts.totalMs;
    const refused = this.circuitRefusal(host, req) ?? (host.outOfBound ? await this.clockRefusal(req, host, deadline - performance.now()) : null);
    if (refused) return { ...refused, latencyMs: Math.round((performance.now() - started) * 100) / 100 };
    let outcome = await this.attempt(req, host, deadline - performance.now());
    const delay = this.retryDelay(outcome, host, deadline);
    if (delay !== null) {
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      outcome = await this.attempt(req, host, deadline - performance.now());
    }
    this.recordForCircuit(host, outcome);
    return { ...outcome, latencyMs: Math.round((performance.now() - started) * 100) / 100 };
  }

  /** Milliseconds to wait before the one retry, or null when the outcome must stand. */
  private retryDelay(outcome: MintOutcome, host: HostState, deadline: number): number | null {
    const left = deadline - performance.now();
    if (outcome.kind === 'network_error' && outcome.transportCode && CONNECT_PHASE_CODES.has(outcome.transportCode)) {
      return left > this.policy.connectRetryDelayMs + 250 ? this.policy.connectRetryDelayMs : null;
    }
    // The skew was just learned from this very answer: the next signature carries the corrected time.
    if (outcome.kind === 'clock_skew' && outcome.clockOffsetSeconds !== null && host.skewSeconds === outcome.clockOffsetSeconds) return left > 250 ? 0 : null;
    if ((outcome.kind === 'rate_limited' || (outcome.kind === 'upstream_error' && outcome.status === 503)) && outcome.retryAfterSeconds !== undefined) {
      const wait = outcome.retryAfterSeconds * 1000;
      return outcome.retryAfterSeconds <= this.policy.retryAfterCapSeconds && left > wait + 250 ? wait : null;
    }
    return null;
  }

  private circuitRefusal(host: HostState, req: MintRequest): FailedOutcome | null {
    if (host.failures < this.policy.breakerFailures) return null;
    const now = this.now();
    if (now >= host.openUntil && !host.probing) {
      host.probing = true; // half-open: this call is the probe
      return null;
    }
    const waitSeconds = Math.max(1, Math.ceil((host.openUntil - now) / 1000));
    const url = tokenUri(req.baseUrl, req.target);
    return {
      kind: 'circuit_open',
      status: null,
      message: `The upstream failed ${host.failures} times in a row; calls to it are paused for ${waitSeconds} s so they fail fast instead of waiting for timeouts.`,
      retryAfterSeconds: waitSeconds,
      clockOffsetSeconds: host.skewSeconds,
      latencyMs: 0,
      request: { method: 'POST', url, timestamp: unixSeconds(now), clientId: req.clientId, stringToSign: '', signaturePrefix: '' },
    };
  }

  /**
   * While an upstream's clock was last seen beyond the bound, each mint first measures it again with an
   * unsigned request (the token URL without any X-Frame header: no credential leaves). Back within the bound,
   * the offset is learned and the mint goes on; still beyond it, the mint is refused and nothing is signed.
   */
  private async clockRefusal(req: MintRequest, host: HostState, budgetMs: number): Promise<FailedOutcome | null> {
    const { request, dispatcher } = await this.transport(req.trusted);
    const url = tokenUri(req.baseUrl, req.target);
    const nothingSigned: SignedRequestInfo = { method: 'POST', url, timestamp: unixSeconds(this.now()), clientId: req.clientId, stringToSign: '', signaturePrefix: '' };
    const sentMs = this.now();
    try {
      const response = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', dispatcher, signal: AbortSignal.timeout(Math.max(1, Math.round(budgetMs))) });
      await response.body.dump({ limit: MAX_RESPONSE_BYTES });
      this.observeClock(host, response.headers, sentMs, this.now());
    } catch (err) {
      return this.transportFailure(err, url, (kind, message, status, offset) => ({ kind, message, status, clockOffsetSeconds: offset, latencyMs: 0, request: nothingSigned }));
    }
    if (!host.outOfBound) return null;
    return { kind: 'clock_skew', status: null, message: this.outOfBoundMessage(host.outOfBound.offsetSeconds), clockOffsetSeconds: host.outOfBound.offsetSeconds, latencyMs: 0, request: nothingSigned };
  }

  private recordForCircuit(host: HostState, outcome: MintOutcome): void {
    host.probing = false;
    if (BREAKER_FAILURES.has(outcome.kind)) {
      host.failures++;
      if (host.failures >= this.policy.breakerFailures) host.openUntil = this.now() + this.policy.breakerOpenMs;
    } else {
      host.failures = 0;
      host.openUntil = 0;
    }
  }

  /** One signed request, signed with the learned clock skew. */
  private async attempt(req: MintRequest, host: HostState, budgetMs: number): Promise<MintOutcome> {
    // Loaded before the clock is read: the first call's import must count neither in the signed timestamp
    // nor in the round trip the clock offset is measured over.
    const { request, dispatcher } = await this.transport(req.trusted);
    const url = tokenUri(req.baseUrl, req.target);
    // host.skewSeconds is within the bound by construction (learnOffset): the timestamp is within now ± bound.
    const timestamp = unixSeconds(this.now() + (host.skewSeconds ?? 0) * 1000);
    const headers = { ...signedHeaders(req.clientId, req.secret.reveal(), timestamp), 'Content-Type': 'application/json' };
    // The signature stays in this function: what callers (and so answers, logs and history) get is a prefix.
    const info: SignedRequestInfo = {
      method: 'POST',
      url,
      timestamp,
      clientId: req.clientId,
      stringToSign: stringToSign(req.clientId, timestamp),
      signaturePrefix: headers['X-Frame-Signature'].slice(0, SIGNATURE_PREFIX_LENGTH),
    };
    const sentMs = this.now();
    const started = performance.now();
    const elapsed = () => Math.round((performance.now() - started) * 100) / 100;
    const fail: Fail = (kind, message, status, offset, extra = {}) => ({
      kind, message, status, clockOffsetSeconds: offset, latencyMs: elapsed(), request: info, ...extra,
    });

    let response: Dispatcher.ResponseData;
    try {
      response = await request(url, {
        method: 'POST',
        headers,
        body: JSON.stringify(req.body),
        dispatcher,
        signal: AbortSignal.timeout(Math.max(1, Math.round(budgetMs))),
      });
    } catch (err) {
      return this.transportFailure(err, url, fail);
    }

    const offset = this.observeClock(host, response.headers, sentMs, this.now());
    let text: string;
    try {
      text = await readLimited(response.body, MAX_RESPONSE_BYTES);
    } catch (err) {
      if (err instanceof BodyTooLarge) return fail('unexpected_body', `The upstream answered ${response.statusCode} with a body over ${MAX_RESPONSE_BYTES} bytes.`, response.statusCode, offset);
      return this.transportFailure(err, url, fail);
    }
    return classifyAnswer({ status: response.statusCode, headers: response.headers, text, offset, info, latencyMs: elapsed(), fail, maxSkewSeconds: this.policy.maxSkewSeconds, outOfBound: (o) => this.outOfBoundMessage(o) });
  }

  private transportFailure(err: unknown, url: string, fail: Fail): FailedOutcome {
    const blocked = blockedBy(err);
    if (blocked) return fail('address_blocked', blockedMessage(url, blocked), null, null);
    const code = errorCode(err);
    return { ...describeTransportFailure(code, this.timeouts, fail), transportCode: code };
  }

}
