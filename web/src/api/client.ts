// The only module that calls fetch: JSON in, JSON out, and one ApiError for every failure.

export interface FieldError {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
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

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(0, 'network', 'The console server cannot be reached. Is it running?');
  }
  if (response.status === 204) return undefined as T;
  const data: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const err = (data ?? {}) as Record<string, unknown>;
    throw new ApiError(
      response.status,
      typeof err.error === 'string' ? err.error : 'unknown',
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
