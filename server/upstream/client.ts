// The HTTP client to Frame's token endpoint (or the emulator): keep-alive, bounded timeouts, typed outcomes.
// No error message or log line carries the secret: it is only revealed to compute the signature.
import { Agent, request, type Dispatcher } from 'undici';
import { tokenUri, type TokenTarget } from '../frame/entity.js';
import { signedHeaders, stringToSign, unixSeconds } from '../frame/signing.js';
import type { TokenRequestBody } from '../frame/token-body.js';
import { JWT_SHAPE } from '../frame/jwt.js';
import type { Secret } from '../crypto/secret.js';
import { clockOffsetSeconds, describeOffset } from './clock.js';
import type { FailedOutcome, MintOutcome, SignedRequestInfo } from './outcome.js';

export interface UpstreamTimeouts {
  connectMs: number;
  headersMs: number;
  bodyMs: number;
  /** Upper bound for the whole exchange. */
  totalMs: number;
}

export const DEFAULT_TIMEOUTS: UpstreamTimeouts = { connectMs: 3000, headersMs: 5000, bodyMs: 5000, totalMs: 8000 };
const MAX_RESPONSE_BYTES = 64 * 1024;
/** Beyond this offset a 401 is reported as clock skew rather than a bad signature. */
export const SKEW_SUSPECT_SECONDS = 60;

export interface MintRequest {
  baseUrl: string;
  target: TokenTarget;
  clientId: string;
  secret: Secret;
  body: TokenRequestBody;
}

export type JsonFetch = { ok: true; status: number; json: unknown; latencyMs: number } | { ok: false; status: number | null; message: string; latencyMs: number };

export interface UpstreamClientOptions {
  timeouts?: Partial<UpstreamTimeouts>;
  /** Our clock in ms; tests skew it without sleeping. */
  now?: () => number;
  dispatcher?: Dispatcher;
}

class BodyTooLarge extends Error {}

/** Builds a failed outcome for the request in hand (its timing, what was signed). */
type Fail = (kind: FailedOutcome['kind'], message: string, status: number | null, offset: number | null, extra?: Partial<FailedOutcome>) => FailedOutcome;

async function readLimited(body: AsyncIterable<Buffer>, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > limit) throw new BodyTooLarge(`response larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseErrorBody(text: string): { error?: string; message?: string } | undefined {
  try {
    const json: unknown = JSON.parse(text);
    if (json && typeof json === 'object' && !Array.isArray(json)) {
      const { error, message } = json as Record<string, unknown>;
      return {
        ...(typeof error === 'string' ? { error: error.slice(0, 100) } : {}),
        ...(typeof message === 'string' ? { message: message.slice(0, 500) } : {}),
      };
    }
  } catch {
    /* not JSON: the caller reports the status only */
  }
  return undefined;
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function errorCode(err: unknown): string {
  const e = err as { code?: string; name?: string; cause?: { code?: string } };
  return e.code ?? e.cause?.code ?? e.name ?? 'unknown';
}

export class UpstreamClient {
  readonly timeouts: UpstreamTimeouts;
  private readonly now: () => number;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  /** The last clock offset measured per upstream origin (from its Date header). */
  private readonly offsets = new Map<string, { offsetSeconds: number; measuredAt: number }>();

  constructor(options: UpstreamClientOptions = {}) {
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    this.now = options.now ?? Date.now;
    this.ownsDispatcher = !options.dispatcher;
    this.dispatcher =
      options.dispatcher ??
      new Agent({
        connect: { timeout: this.timeouts.connectMs },
        headersTimeout: this.timeouts.headersMs,
        bodyTimeout: this.timeouts.bodyMs,
        keepAliveTimeout: 30_000,
      });
  }

  /** What the readiness route shows: each upstream's last measured clock offset. */
  clockOffsets(): { upstream: string; offsetSeconds: number; measuredAt: string }[] {
    return [...this.offsets].map(([upstream, o]) => ({ upstream, offsetSeconds: o.offsetSeconds, measuredAt: new Date(o.measuredAt).toISOString() }));
  }

  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  /** A GET of JSON (JWKS, /me/assertions) with the same timeouts. Never throws. */
  async getJson(url: string, headers: Record<string, string> = {}): Promise<JsonFetch> {
    const started = performance.now();
    const elapsed = () => Math.round((performance.now() - started) * 100) / 100;
    try {
      const response = await request(url, { method: 'GET', headers: { accept: 'application/json', ...headers }, dispatcher: this.dispatcher, signal: AbortSignal.timeout(this.timeouts.totalMs) });
      const text = await readLimited(response.body, MAX_RESPONSE_BYTES);
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        return { ok: false, status: response.statusCode, message: `The upstream answered ${response.statusCode} with a body that is not JSON.`, latencyMs: elapsed() };
      }
      return { ok: true, status: response.statusCode, json, latencyMs: elapsed() };
    } catch (err) {
      return { ok: false, status: null, message: err instanceof BodyTooLarge ? err.message : `The upstream could not be reached (${errorCode(err)}).`, latencyMs: elapsed() };
    }
  }

  /** Signs and sends one token request. Never throws for upstream or network problems. */
  async mintToken(req: MintRequest): Promise<MintOutcome> {
    const url = tokenUri(req.baseUrl, req.target);
    const timestamp = unixSeconds(this.now());
    const headers = signedHeaders(req.clientId, req.secret.reveal(), timestamp);
    const info: SignedRequestInfo = {
      method: 'POST',
      url,
      timestamp,
      stringToSign: stringToSign(req.clientId, timestamp),
      headers: { ...headers, 'Content-Type': 'application/json' },
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
        headers: info.headers,
        body: JSON.stringify(req.body),
        dispatcher: this.dispatcher,
        signal: AbortSignal.timeout(this.timeouts.totalMs),
      });
    } catch (err) {
      return this.transportFailure(err, fail);
    }

    const offset = clockOffsetSeconds(header(response.headers, 'date'), sentMs, this.now());
    if (offset !== null) this.offsets.set(new URL(url).origin, { offsetSeconds: offset, measuredAt: this.now() });
    let text: string;
    try {
      text = await readLimited(response.body, MAX_RESPONSE_BYTES);
    } catch (err) {
      if (err instanceof BodyTooLarge) return fail('unexpected_body', `The upstream answered ${response.statusCode} with a body over ${MAX_RESPONSE_BYTES} bytes.`, response.statusCode, offset);
      return this.transportFailure(err, fail);
    }
    return this.classify(response.statusCode, response.headers, text, offset, info, elapsed(), fail);
  }

  private transportFailure(err: unknown, fail: Fail): FailedOutcome {
    const code = errorCode(err);
    const t = this.timeouts;
    switch (code) {
      case 'UND_ERR_CONNECT_TIMEOUT':
        return fail('timeout', `Could not connect to the upstream within ${t.connectMs} ms.`, null, null);
      case 'UND_ERR_HEADERS_TIMEOUT':
        return fail('timeout', `The upstream did not answer within ${t.headersMs} ms.`, null, null);
      case 'UND_ERR_BODY_TIMEOUT':
        return fail('timeout', `The upstream stopped sending its answer for ${t.bodyMs} ms.`, null, null);
      case 'TimeoutError':
      case 'AbortError':
        return fail('timeout', `The upstream exchange took longer than ${t.totalMs} ms.`, null, null);
      case 'ECONNREFUSED':
        return fail('network_error', 'The upstream refused the connection (ECONNREFUSED): is it running and is the URL right?', null, null);
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        return fail('network_error', `The upstream host name could not be resolved (${code}).`, null, null);
      case 'ECONNRESET':
      case 'UND_ERR_SOCKET':
      case 'EPIPE':
        return fail('network_error', `The upstream closed the connection before answering (${code}).`, null, null);
      default:
        return fail('network_error', `The upstream could not be reached (${code}).`, null, null);
    }
  }

  private classify(
    status: number,
    headers: Record<string, string | string[] | undefined>,
    text: string,
    offset: number | null,
    info: SignedRequestInfo,
    latencyMs: number,
    fail: Fail,
  ): MintOutcome {
    if (status >= 200 && status < 300) {
      let token: unknown;
      try {
        token = JSON.parse(text);
      } catch {
        token = undefined;
      }
      if (typeof token === 'string' && JWT_SHAPE.test(token)) {
        return { kind: 'ok', status, token, latencyMs, clockOffsetSeconds: offset, request: info };
      }
      const contentType = header(headers, 'content-type') ?? 'none';
      return fail('unexpected_body', `The upstream answered ${status} but the body is not a JWT as a JSON string (content-type ${contentType}, ${text.length} bytes).`, status, offset);
    }
    const upstream = parseErrorBody(text);
    const extra = upstream ? { upstream } : {};
    const said = upstream?.message ? ` Upstream said: ${upstream.message}` : '';
    if (status === 401) {
      if (upstream?.error === 'stale_timestamp' || (offset !== null && Math.abs(offset) > SKEW_SUSPECT_SECONDS)) {
        const measured = offset === null ? 'no Date header to measure the offset' : describeOffset(offset);
        return fail('clock_skew', `The upstream rejected the timestamp: ${measured}. Fix this machine's clock (NTP).${said}`, status, offset, extra);
      }
      return fail('bad_signature', `The upstream rejected the signature: check the client id and client secret of this credential set.${said}`, status, offset, extra);
    }
    if (status === 403) return fail('forbidden', `The upstream refused: this credential may not generate tokens for that entity.${said}`, status, offset, extra);
    if (status === 404) return fail('unknown_provider', `The upstream does not know this provider (check the entity level, entity id and provider name).${said}`, status, offset, extra);
    if (status === 400 || status === 422) return fail('bad_request', `The upstream rejected the request body.${said}`, status, offset, extra);
    if (status === 429) {
      const retry = Number(header(headers, 'retry-after'));
      const retryAfter = Number.isFinite(retry) && retry >= 0 ? { retryAfterSeconds: retry } : {};
      return fail('rate_limited', `The upstream is rate limiting requests${retryAfter.retryAfterSeconds !== undefined ? `; retry after ${retryAfter.retryAfterSeconds} s` : ''}.`, status, offset, { ...extra, ...retryAfter });
    }
    if (status >= 500) return fail('upstream_error', `The upstream failed with ${status}.${said}`, status, offset, extra);
    return fail('unexpected_status', `The upstream answered with unexpected status ${status}.${said}`, status, offset, extra);
  }
}
