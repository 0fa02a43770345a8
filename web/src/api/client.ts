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

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
/** Query parameters; an undefined, null or empty value is left out. */
export type Query = Readonly<Record<string, string | number | boolean | null | undefined>>;

/** An /api path with each interpolated value encoded as one path segment: path`/api/providers/${id}`. */
export function path(strings: TemplateStringsArray, ...segments: (string | number)[]): string {
  return strings.reduce((out, s, i) => out + s + (i < segments.length ? encodeURIComponent(String(segments[i])) : ''), '');
}

/** The path with its query string, for a request or a link (a download the browser fetches itself). */
export function withQuery(target: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${target}?${text}` : target;
}

/**
 * One request to the console API. `T` is the contract's type of the answer: the resource modules beside this
 * one are the only callers, each naming the type its route's response schema declares.
 */
export async function call<T>(method: Method, target: string, options: { query?: Query; body?: unknown } = {}): Promise<T> {
  const { query, body } = options;
  let response: Response;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  try {
    response = await fetch(withQuery(target, query), {
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

export function errorText(err: unknown): string {
  return err instanceof ApiError ? err.message : String(err);
}
