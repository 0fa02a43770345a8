// The one error type the domain throws: a stable code from the API contract, a message a person can act on,
// and optionally the fields at fault. No HTTP here: server/http/errors.ts maps each code to a status.
import type { ErrorCode, FieldError } from './contract/errors.js';

export type { ErrorCode, FieldError };

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: FieldError[],
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
  }
}
