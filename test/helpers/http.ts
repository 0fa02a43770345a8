// Real HTTP over loopback with the platform fetch; records every response body for secret scans.
// Requests to a console a test signed in to carry that session (cookie, and X-CSRF-Token on changes)
// unless the test passes its own cookie header (an empty one sends none).

export interface JsonResponse<T = unknown> {
  status: number;
  headers: Headers;
  text: string;
  json: T;
}

export interface SessionCredentials {
  cookie: string;
  csrfToken: string;
}

export const seenBodies: string[] = [];
const sessions = new Map<string, SessionCredentials>();

/** From now on, requests to this origin go as this session. */
export function useSession(origin: string, session: SessionCredentials | null): void {
  if (session) sessions.set(new URL(origin).origin, session);
  else sessions.delete(new URL(origin).origin);
}

export async function http<T = any>(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<JsonResponse<T>> {
  const init: RequestInit = { method, headers: { ...headers } };
  const h = init.headers as Record<string, string>;
  const session = sessions.get(new URL(url).origin);
  if (session && !('cookie' in headers)) {
    h.cookie = session.cookie;
    if (!['GET', 'HEAD'].includes(method)) h['x-csrf-token'] ??= session.csrfToken;
  }
  if (h.cookie === '') delete h.cookie;
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    h['content-type'] ??= 'application/json';
  }
  const res = await fetch(url, init);
  const text = await res.text();
  seenBodies.push(text);
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json: json as T };
}

/** Signs in through the API; returns the session's cookie and CSRF token (not made the default). */
export async function signIn(origin: string, email: string, password: string): Promise<SessionCredentials> {
  const res = await http<{ csrfToken: string }>('POST', `${origin}/api/session`, { email, password }, { cookie: '' });
  if (res.status !== 200) throw new Error(`sign-in as ${email} failed: ${res.status} ${res.text}`);
  const setCookie = res.headers.get('set-cookie') ?? '';
  return { cookie: setCookie.split(';')[0]!, csrfToken: res.json.csrfToken };
}
