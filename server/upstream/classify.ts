// What an upstream's answer or failure means: one typed outcome with a message a person can act on. Pure.
import { JWT_SHAPE } from '../frame/jwt.js';
import { describeOffset } from './clock.js';
import type { MintOutcome, FailedOutcome, SignedRequestInfo } from './outcome.js';
import { describeBody, frameShapedError, header, type Fail, type Headers } from './response.js';
import type { UpstreamTimeouts } from './defaults.js';

/** Beyond this offset a 401 is reported as clock skew rather than a bad signature. */
export const SKEW_SUSPECT_SECONDS = 60;

export function describeTransportFailure(code: string, t: UpstreamTimeouts, fail: Fail): FailedOutcome {
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

export function classifyAnswer(a: {
  status: number;
  headers: Headers;
  text: string;
  offset: number | null;
  info: SignedRequestInfo;
  latencyMs: number;
  fail: Fail;
  /** The largest clock offset the client follows, and what it says of one beyond it. */
  maxSkewSeconds: number;
  outOfBound: (offset: number) => string;
}): MintOutcome {
  const { status, headers, text, offset, info, latencyMs, fail } = a;
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
    return fail(
      'unexpected_body',
      `The upstream answered ${status} but the body is not a JWT as a JSON string (${describeBody(headers, text)}).`,
      status,
      offset,
    );
  }
  const upstream = frameShapedError(text);
  const extra = upstream ? { upstream } : {};
  const said = upstream
    ? ` Upstream said: ${upstream.message ?? upstream.error}`
    : text
      ? ` (It answered ${describeBody(headers, text)}.)`
      : '';
  if (status === 401) {
    if (offset !== null && Math.abs(offset) > a.maxSkewSeconds)
      return fail('clock_skew', `${a.outOfBound(offset)}${said}`, status, offset, extra);
    if (upstream?.error === 'stale_timestamp' || (offset !== null && Math.abs(offset) > SKEW_SUSPECT_SECONDS)) {
      const measured = offset === null ? 'no Date header to measure the offset' : describeOffset(offset);
      return fail(
        'clock_skew',
        `The upstream rejected the timestamp: ${measured}. Fix this machine's clock (NTP).${said}`,
        status,
        offset,
        extra,
      );
    }
    return fail(
      'bad_signature',
      `The upstream rejected the signature: check the client id and client secret of this credential set.${said}`,
      status,
      offset,
      extra,
    );
  }
  if (status === 403)
    return fail(
      'forbidden',
      `The upstream refused: this credential may not generate tokens for that entity.${said}`,
      status,
      offset,
      extra,
    );
  if (status === 404)
    return fail(
      'unknown_provider',
      `The upstream does not know this provider (check the entity level, entity id and provider name).${said}`,
      status,
      offset,
      extra,
    );
  if (status === 400 || status === 422) return fail('bad_request', `The upstream rejected the request body.${said}`, status, offset, extra);
  const retryHeader = header(headers, 'retry-after');
  const retry = retryHeader === undefined ? NaN : Number(retryHeader);
  const retryAfter = Number.isInteger(retry) && retry >= 0 ? { retryAfterSeconds: retry } : {};
  if (status === 429) {
    return fail(
      'rate_limited',
      `The upstream is rate limiting requests${retryAfter.retryAfterSeconds !== undefined ? `; retry after ${retryAfter.retryAfterSeconds} s` : ''}.`,
      status,
      offset,
      { ...extra, ...retryAfter },
    );
  }
  if (status >= 500)
    return fail('upstream_error', `The upstream failed with ${status}.${said}`, status, offset, { ...extra, ...retryAfter });
  return fail('unexpected_status', `The upstream answered with unexpected status ${status}.${said}`, status, offset, extra);
}
