// The console API's error codes (area/reason) and the error body every failure has. Browser-safe: the SPA
// and the server read the same list. Which HTTP status each code gets is decided at the edge (server/http/errors.ts).
import { Type, type Static } from 'typebox';

export const ERROR_CODES = [
  'request/invalid',
  'request/malformed_json',
  'request/too_large',
  'request/unsupported_media_type',
  'request/bad_host',
  'route/not_found',
  'credential/not_found',
  'credential/duplicate_name',
  'credential/in_use',
  'credential/secret_required',
  'credential/secret_unusable',
  'provider/not_found',
  'provider/duplicate',
  'import/rejected',
  'bulk/not_found',
  'history/not_found',
  'history/no_token',
  'preset/not_found',
  'preset/duplicate',
  'bulk/running',
  'bulk/not_owner',
  'bulk/too_many_jobs',
  'bulk/expired',
  'quota/exceeded',
  'upstream/bad_signature',
  'upstream/clock_skew',
  'upstream/forbidden',
  'upstream/unknown_provider',
  'upstream/bad_request',
  'upstream/rate_limited',
  'upstream/upstream_error',
  'upstream/unexpected_status',
  'upstream/unexpected_body',
  'upstream/network_error',
  'upstream/timeout',
  'upstream/not_available',
  'upstream/circuit_open',
  'upstream/address_blocked',
  'auth/required',
  'auth/invalid_credentials',
  'auth/invalid_key',
  'auth/forbidden',
  'auth/not_granted',
  'auth/csrf',
  'auth/locked',
  'auth/throttled',
  'auth/key_rate_limited',
  'auth/busy',
  'auth/setup_done',
  'auth/setup_code',
  'auth/weak_password',
  'auth/wrong_password',
  'user/not_found',
  'user/duplicate',
  'user/last_owner',
  'user/disabled',
  'invite/invalid',
  'invite/not_found',
  'invite/not_pending',
  'reset/invalid',
  'apikey/not_found',
  'audit/unavailable',
  'internal/error',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

export const FieldErrorSchema = Type.Object({ field: Type.String(), message: Type.String() });
export type FieldError = Static<typeof FieldErrorSchema>;

export const ErrorResponseSchema = Type.Object(
  {
    statusCode: Type.Integer(),
    error: Type.String({ description: 'Stable code, area/reason' }),
    message: Type.String({ description: 'What went wrong and what to do about it' }),
    requestId: Type.String(),
    fields: Type.Optional(Type.Array(FieldErrorSchema)),
  },
  { additionalProperties: true },
);
export type ErrorResponse = Static<typeof ErrorResponseSchema>;
