// Sending requests to Frame's token endpoint (or the emulator) and reading the answers: undici with keep-alive
// and bounded timeouts, the address policy for every upstream but the built-in emulator, the signature, a
// bounded body, and a typed outcome (classify.ts). No retries, no circuit, no clock learning: that policy is
// the client's (client.ts). No error message or log line carries the secret: it is only revealed to sign.
import type { Dispatcher } from 'undici';
import { tokenUri, type TokenTarget } from '../frame/entity.js';
import { signedHeaders } from '../crypto/frame-signature.js';
import { SIGNATURE_PREFIX_LENGTH, stringToSign, unixSeconds } from '../frame/signing-rules.js';
import type { TokenRequestBody } from '../frame/token-body.js';
import type { Secret } from '../crypto/secret.js';
import type { AllowedHosts } from './address-policy.js';
import { guardedConnector, type Resolver } from './guarded-connect.js';
import {
  blockedBy,
  blockedMessage,
  BodyTooLarge,
  errorCode,
  MAX_RESPONSE_BYTES,
  readLimited,
  type Fail,
  type Headers,
} from './response.js';
import { classifyAnswer, describeTransportFailure } from './classify.js';
import type { FailedOutcome, MintOutcome, SignedRequestInfo } from './outcome.js';
import type { UpstreamTimeouts } from './defaults.js';

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

export type JsonFetch =
  { ok: true; status: number; json: unknown; latencyMs: number } | { ok: false; status: number | null; message: string; latencyMs: number };

/** What the transport needs of the learned clock of the upstream being called (learned-clocks.ts). */
export interface AnswerClock {
  /** Reads an answer's Date header: the offset it shows (learned when fresh), null without one. */
  observe(headers: Headers, sentMs: number, receivedMs: number): number | null;
  /** The largest offset followed, and what is said of one beyond it (a 401 then reads as clock skew). */
  maxSkewSeconds: number;
  outOfBoundMessage(offset: number): string;
}

export class UpstreamTransport {
  private dispatcher: Dispatcher | undefined;
  /** For every upstream but the built-in emulator: refuses private, loopback and link-local addresses. */
  private guardedDispatcher: Dispatcher | undefined;
  private readonly ownsDispatcher: boolean;
  private readonly resolve: Resolver | undefined;

  constructor(
    readonly timeouts: UpstreamTimeouts,
    private readonly allowed: AllowedHosts,
    private readonly now: () => number,
    opts: { dispatcher?: Dispatcher | undefined; resolve?: Resolver | undefined } = {},
  ) {
    this.resolve = opts.resolve;
    this.ownsDispatcher = !opts.dispatcher;
    this.dispatcher = opts.dispatcher;
    this.guardedDispatcher = opts.dispatcher;
  }

  /** undici's request function and a connection pool (guarded unless trusted), created on first use. */
  private async pool(trusted = false): Promise<{ request: typeof import('undici').request; dispatcher: Dispatcher }> {
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

  async close(): Promise<void> {
    if (this.ownsDispatcher) await Promise.all([this.dispatcher?.close(), this.guardedDispatcher?.close()]);
  }

  /** A GET of JSON (JWKS, /me/assertions) with the same timeouts. Never throws. */
  async getJson(url: string, headers: Record<string, string> = {}, opts: { trusted?: boolean } = {}): Promise<JsonFetch> {
    const started = performance.now();
    const elapsed = () => Math.round((performance.now() - started) * 100) / 100;
    try {
      const { request, dispatcher } = await this.pool(opts.trusted);
      const response = await request(url, {
        method: 'GET',
        headers: { accept: 'application/json', ...headers },
        dispatcher,
        signal: AbortSignal.timeout(this.timeouts.totalMs),
      });
      const text = await readLimited(response.body, MAX_RESPONSE_BYTES);
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        return {
          ok: false,
          status: response.statusCode,
          message: `The upstream answered ${response.statusCode} with a body that is not JSON.`,
          latencyMs: elapsed(),
        };
      }
      return { ok: true, status: response.statusCode, json, latencyMs: elapsed() };
    } catch (err) {
      const blocked = blockedBy(err);
      const message =
        err instanceof BodyTooLarge
          ? err.message
          : blocked
            ? blockedMessage(url, blocked)
            : `The upstream could not be reached (${errorCode(err)}).`;
      return { ok: false, status: null, message, latencyMs: elapsed() };
    }
  }

  /**
   * The token URL posted without any X-Frame header (no credential leaves), only to read the upstream's
   * Date header: the clock is observed. Returns what was sent (nothing signed), and the transport's failure
   * as an outcome if there was one.
   */
  async unsignedProbe(
    req: MintRequest,
    budgetMs: number,
    clock: Pick<AnswerClock, 'observe'>,
  ): Promise<{ request: SignedRequestInfo; failed: FailedOutcome | null }> {
    const { request, dispatcher } = await this.pool(req.trusted);
    const url = tokenUri(req.baseUrl, req.target);
    const nothingSigned: SignedRequestInfo = {
      method: 'POST',
      url,
      timestamp: unixSeconds(this.now()),
      clientId: req.clientId,
      stringToSign: '',
      signaturePrefix: '',
    };
    const sentMs = this.now();
    try {
      const response = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
        dispatcher,
        signal: AbortSignal.timeout(Math.max(1, Math.round(budgetMs))),
      });
      await response.body.dump({ limit: MAX_RESPONSE_BYTES });
      clock.observe(response.headers, sentMs, this.now());
      return { request: nothingSigned, failed: null };
    } catch (err) {
      const failed = this.failure(err, url, (kind, message, status, offset) => ({
        kind,
        message,
        status,
        clockOffsetSeconds: offset,
        latencyMs: 0,
        request: nothingSigned,
      }));
      return { request: nothingSigned, failed };
    }
  }

  /** One signed request, dated with the clock offset given (within the bound: the client's learned clocks). */
  async signedCall(req: MintRequest, skewSeconds: number, budgetMs: number, clock: AnswerClock): Promise<MintOutcome> {
    // Loaded before the clock is read: the first call's import must count neither in the signed timestamp
    // nor in the round trip the clock offset is measured over.
    const { request, dispatcher } = await this.pool(req.trusted);
    const url = tokenUri(req.baseUrl, req.target);
    const timestamp = unixSeconds(this.now() + skewSeconds * 1000);
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
      kind,
      message,
      status,
      clockOffsetSeconds: offset,
      latencyMs: elapsed(),
      request: info,
      ...extra,
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
      return this.failure(err, url, fail);
    }

    const offset = clock.observe(response.headers, sentMs, this.now());
    let text: string;
    try {
      text = await readLimited(response.body, MAX_RESPONSE_BYTES);
    } catch (err) {
      if (err instanceof BodyTooLarge)
        return fail(
          'unexpected_body',
          `The upstream answered ${response.statusCode} with a body over ${MAX_RESPONSE_BYTES} bytes.`,
          response.statusCode,
          offset,
        );
      return this.failure(err, url, fail);
    }
    return classifyAnswer({
      status: response.statusCode,
      headers: response.headers,
      text,
      offset,
      info,
      latencyMs: elapsed(),
      fail,
      maxSkewSeconds: clock.maxSkewSeconds,
      outOfBound: (o) => clock.outOfBoundMessage(o),
    });
  }

  private failure(err: unknown, url: string, fail: Fail): FailedOutcome {
    const blocked = blockedBy(err);
    if (blocked) return fail('address_blocked', blockedMessage(url, blocked), null, null);
    const code = errorCode(err);
    return { ...describeTransportFailure(code, this.timeouts, fail), transportCode: code };
  }
}
