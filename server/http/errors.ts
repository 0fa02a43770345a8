// The HTTP edge of the domain's errors: which status each error code answers with, and the error responses a
// route declares. Services throw DomainError (server/errors.ts) and never see a status.
import { ErrorResponseSchema, type ErrorCode } from '../contract/errors.js';

/** Every code has a status: a new code without one does not compile. */
export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  'request/invalid': 400,
  'request/malformed_json': 400,
  'request/too_large': 413,
  'request/unsupported_media_type': 415,
  'request/bad_host': 421,
  'route/not_found': 404,
  'credential/not_found': 404,
  'credential/duplicate_name': 409,
  'credential/in_use': 409,
  'credential/secret_required': 400,
  'credential/secret_unusable': 409,
  'provider/not_found': 404,
  'provider/duplicate': 409,
  'import/rejected': 422,
  'bulk/not_found': 404,
  'history/not_found': 404,
  'history/no_token': 410,
  'preset/not_found': 404,
  'preset/duplicate': 409,
  'bulk/running': 409,
  'bulk/not_owner': 403,
  'bulk/too_many_jobs': 429,
  'quota/exceeded': 429,
  'upstream/bad_signature': 422,
  'upstream/clock_skew': 422,
  'upstream/forbidden': 422,
  'upstream/unknown_provider': 422,
  'upstream/bad_request': 422,
  'upstream/rate_limited': 429,
  'upstream/upstream_error': 502,
  'upstream/unexpected_status': 502,
  'upstream/unexpected_body': 502,
  'upstream/network_error': 502,
  'upstream/timeout': 504,
  'upstream/not_available': 503,
  'upstream/circuit_open': 503,
  'upstream/address_blocked': 422,
  'auth/required': 401,
  'auth/invalid_credentials': 401,
  'auth/invalid_key': 401,
  'auth/forbidden': 403,
  'auth/not_granted': 403,
  'auth/csrf': 403,
  'auth/locked': 429,
  'auth/throttled': 429,
  'auth/key_rate_limited': 429,
  'auth/busy': 503,
  'auth/setup_done': 409,
  'auth/setup_code': 403,
  'auth/weak_password': 400,
  'auth/wrong_password': 400,
  'user/not_found': 404,
  'user/duplicate': 409,
  'user/last_owner': 409,
  'invite/invalid': 410,
  'invite/not_found': 404,
  'invite/not_pending': 409,
  'apikey/not_found': 404,
  'audit/unavailable': 503,
  'internal/error': 500,
};

/** Standard error responses for a route: every status it may answer with besides success. */
export function errorResponses(...statuses: number[]): Record<number, typeof ErrorResponseSchema> {
  const out: Record<number, typeof ErrorResponseSchema> = {};
  for (const s of [400, 401, 403, 500, 503, ...statuses]) out[s] = ErrorResponseSchema;
  return out;
}
