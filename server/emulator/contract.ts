// Every choice the emulator makes where Frame's real behaviour is unknown, in one place.
// docs/emulator.md explains each one; change them here and there together. The body rules, shared with the
// console, are in server/frame/token-body.ts (fields) and server/frame/form-body.ts (form-encoded bodies).

import { FRAME_TIMESTAMP_WINDOW_SECONDS } from '../frame/signing-rules.js';

export const DEFAULT_TIMESTAMP_WINDOW_SECONDS = FRAME_TIMESTAMP_WINDOW_SECONDS;
export const TOKEN_STATUS = 200;
export const TOKEN_ISSUER = 'https://frame-sat-emulator.invalid';
export const TOKEN_AUDIENCE = 'frame';
/** Token request bodies above this are answered 413 body_too_large (Frame's limit is unknown; ours: 64 KiB). */
export const BODY_LIMIT_BYTES = 64 * 1024;

export const EMULATOR_ERRORS = {
  invalid_json: { status: 400, message: 'The body is not valid JSON.' },
  invalid_body: { status: 400, message: 'The body does not match the token request fields.' },
  body_too_large: { status: 413, message: `The body is larger than ${BODY_LIMIT_BYTES / 1024} KiB.` },
  missing_headers: { status: 401, message: 'The X-Frame-ClientId, X-Frame-Timestamp and X-Frame-Signature headers are required.' },
  invalid_timestamp: { status: 401, message: 'X-Frame-Timestamp must be unix time in seconds (10 digits).' },
  unknown_client: { status: 401, message: 'No API credential has this client id.' },
  invalid_signature: { status: 401, message: 'The signature does not match: expected hex(HMAC-SHA256(secret, timestamp + clientId)).' },
  stale_timestamp: { status: 401, message: 'X-Frame-Timestamp is outside the accepted window.' },
  forbidden: { status: 403, message: 'This API credential may not generate tokens for that entity.' },
  provider_not_found: { status: 404, message: 'No Secure Anonymous provider with that name exists for that entity.' },
  invalid_token: { status: 401, message: 'A valid Bearer token is required.' },
  forced: { status: 500, message: 'Forced by the emulator fault settings.' },
} as const;

export type EmulatorErrorCode = keyof typeof EMULATOR_ERRORS;

export interface EmulatorErrorBody {
  error: string;
  message: string;
}
