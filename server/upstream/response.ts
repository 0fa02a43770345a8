// Reading an upstream's answer: a bounded body, the one header wanted, what went wrong in the transport, and
// what of a refusal may be quoted back (a Frame-shaped error only, never a foreign body raw).
import { AllowedHosts } from './address-policy.js';
import { AddressBlockedError } from './guarded-connect.js';
import type { FailedOutcome } from './outcome.js';

export const MAX_RESPONSE_BYTES = 64 * 1024;

/** Builds a failed outcome for the request in hand (its timing, what was signed). */
export type Fail = (
  kind: FailedOutcome['kind'],
  message: string,
  status: number | null,
  offset: number | null,
  extra?: Partial<FailedOutcome>,
) => FailedOutcome;

export type Headers = Record<string, string | string[] | undefined>;

export class BodyTooLarge extends Error {}

export async function readLimited(body: AsyncIterable<Buffer>, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > limit) throw new BodyTooLarge(`response larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The upstream's own reason, only from a Frame-shaped JSON error ({"error": "<code>", "message": "<text>"}),
 * trimmed and without control characters. Anything else is never echoed (an SSRF target's body, an HTML error
 * page): callers report its status, content type and size only.
 */
export function frameShapedError(text: string): { error: string; message?: string } | undefined {
  try {
    return frameShapedErrorOf(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/** The same, for JSON already parsed. */
export function frameShapedErrorOf(json: unknown): { error: string; message?: string } | undefined {
  if (!json || typeof json !== 'object' || Array.isArray(json)) return undefined;
  const { error, message } = json as Record<string, unknown>;
  if (typeof error !== 'string' || !/^[A-Za-z][A-Za-z0-9_./-]{0,63}$/.test(error)) return undefined;
  // An upstream (a gateway, a misbehaving proxy) may echo the request's headers: a run of hex as long as a
  // signature half is never quoted, so the caller cannot lift the signature it was not given.
  const clean =
    typeof message === 'string'
      ? message
          .replace(/[0-9a-fA-F]{32,}/g, '[hex removed]')
          .replace(/[\s\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
          .trim()
          .slice(0, 300)
      : '';
  return clean ? { error, message: clean } : { error };
}

/** What is said of a body that is not a Frame-shaped error. */
export function describeBody(headers: Headers, text: string): string {
  return `${header(headers, 'content-type') ?? 'no content type'}, ${Buffer.byteLength(text)} bytes`;
}

export function header(headers: Headers, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export function errorCode(err: unknown): string {
  const e = err as { code?: unknown; name?: string; cause?: { code?: unknown } };
  // An aborted or timed-out signal rejects with a DOMException: its code is a legacy number (23 for a
  // timeout), its name says what happened.
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return e.name;
  if (typeof e.code === 'string') return e.code;
  if (typeof e.cause?.code === 'string') return e.cause.code;
  return e.name ?? 'unknown';
}

/** The address policy's refusal inside an error undici raised, if that is what it is. */
export function blockedBy(err: unknown): AddressBlockedError | null {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof AddressBlockedError) return e;
  }
  return null;
}

export function blockedMessage(url: string, blocked: AddressBlockedError): string {
  return `The console does not call ${blocked.host}: it ${blocked.resolved ? 'resolves to' : 'is'} ${blocked.problem}. Upstreams may not reach this machine, private networks or link-local addresses; for a standalone emulator or an internal gateway, the operator can allow it with UPSTREAM_ALLOW_HOSTS=${AllowedHosts.entryFor(new URL(url))}.`;
}
