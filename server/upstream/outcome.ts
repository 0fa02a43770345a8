// Typed outcomes of a token request to Frame (or the emulator): callers switch on `kind`, never on raw errors.
import type { ErrorCode } from '../contract/errors.js';

export const OUTCOME_KINDS = [
  'ok',
  'bad_signature',
  'clock_skew',
  'forbidden',
  'unknown_provider',
  'bad_request',
  'rate_limited',
  'upstream_error',
  'unexpected_status',
  'unexpected_body',
  'timeout',
  'network_error',
  'circuit_open',
  'address_blocked',
] as const;
export type OutcomeKind = (typeof OUTCOME_KINDS)[number];

/**
 * What was sent, for the signature debugger. Never the secret, and never the whole signature: it covers only
 * timestamp + client id, so for its window it would mint for every provider the key reaches.
 */
export interface SignedRequestInfo {
  method: 'POST';
  url: string;
  timestamp: number;
  clientId: string;
  stringToSign: string;
  /** The signature's first characters (SIGNATURE_PREFIX_LENGTH), enough to compare with one's own. */
  signaturePrefix: string;
}

interface OutcomeBase {
  latencyMs: number;
  /** Upstream clock minus ours, in seconds, from the Date header; null when there was none. */
  clockOffsetSeconds: number | null;
  request: SignedRequestInfo;
}

export type MintOutcome =
  | (OutcomeBase & { kind: 'ok'; status: number; token: string })
  | (OutcomeBase & {
      kind: Exclude<OutcomeKind, 'ok'>;
      status: number | null;
      message: string;
      /** The upstream's own error code and message, when it sent a JSON error body. */
      upstream?: { error?: string; message?: string };
      retryAfterSeconds?: number;
      /** The transport error's code (ECONNREFUSED, UND_ERR_CONNECT_TIMEOUT, …), for the retry policy. */
      transportCode?: string;
    });

export type FailedOutcome = Exclude<MintOutcome, { kind: 'ok' }>;

/** The error code of every failed kind: a kind without one in the contract's list does not compile. */
export type UpstreamErrorCode = `upstream/${FailedOutcome['kind']}` & ErrorCode;
const _everyKindHasACode: `upstream/${FailedOutcome['kind']}` extends ErrorCode ? true : never = true;
void _everyKindHasACode;

/** How an outcome is recorded (audit row, history, metrics) and answered: ok, or upstream/<kind>. */
export function outcomeCode(outcome: MintOutcome): 'ok' | UpstreamErrorCode {
  return outcome.kind === 'ok' ? 'ok' : failureCode(outcome);
}

export function failureCode(outcome: FailedOutcome): UpstreamErrorCode {
  return `upstream/${outcome.kind}`;
}
