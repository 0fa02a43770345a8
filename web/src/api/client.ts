// The only module that calls fetch: JSON in, JSON out, and one ApiError for every failure.
// Contract imports are type-only: the SPA gets the shapes, not TypeBox's runtime.
import type { ErrorCode, FieldError } from '@server/contract/errors';

/** A failure the server did not describe: no answer at all, or an answer without the API's error shape. */
export type ClientErrorCode = 'client/network' | 'client/unknown';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | ClientErrorCode,
    message: string,
    readonly fields: FieldError[] = [],
    readonly body: Record<string, unknown> = {},
  ) {
    super(message);
  }

  /** Field → message, for showing each error next to its input. */
  fieldMap(): Record<string, string> {
    return Object.fromEntries(this.fields.map((f) => [f.field, f.message.replace(new RegExp(`^${f.field}: `), '')]));
  }
}

let csrfToken: string | null = null;
let onSignedOut: (() => void) | null = null;

/** The session's CSRF token, sent as X-CSRF-Token with every change. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when the server says the session is gone (expired, revoked, signed out elsewhere). */
export function whenSignedOut(handler: () => void): void {
  onSignedOut = handler;
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(0, 'client/network', 'The console server cannot be reached. Is it running?');
  }
  if (response.status === 204) return undefined as T;
  const data: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const err = (data ?? {}) as Record<string, unknown>;
    if (response.status === 401 && err.error === 'auth/required') onSignedOut?.();
    throw new ApiError(
      response.status,
      // The SPA ships with its server, so a string here is one of the contract's codes.
      typeof err.error === 'string' ? (err.error as ErrorCode) : 'client/unknown',
      typeof err.message === 'string' ? err.message : `The server answered ${response.status}.`,
      Array.isArray(err.fields) ? (err.fields as FieldError[]) : [],
      err,
    );
  }
  return data as T;
}

export const api = {
  get: <T>(path: string) => call<T>('GET', path),
  post: <T>(path: string, body: unknown) => call<T>('POST', path, body),
  put: <T>(path: string, body: unknown) => call<T>('PUT', path, body),
  patch: <T>(path: string, body: unknown) => call<T>('PATCH', path, body),
  delete: <T = void>(path: string) => call<T>('DELETE', path),
};

export function errorText(err: unknown): string {
  return err instanceof ApiError ? err.message : String(err);
}
