// The request log's second line of defence: no route takes a token in its URL, but a client may still put
// one there (an old invitation link, a script with ?token=, a pasted API key). Before a URL is logged,
// token-shaped path segments and query values become [REDACTED]; the URL keeps its shape, so a log line
// still says which route was called. Pure functions.

export const REDACTED = '[REDACTED]';

/** Query parameters whose value is a credential whatever it looks like. */
const SECRET_PARAMS = new Set([
  'token', 'access_token', 'id_token', 'refresh_token', 'invite', 'invite_token', 'key', 'api_key', 'apikey', 'secret',
  'client_secret', 'password', 'code', 'session', 'signature', 'sig', 'jwt', 'auth', 'authorization', 'csrf', 'csrf_token',
]);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Ids built from words and a UUID, like Frame's provider names (secure-anon-<uuid>). */
const NAMED_UUID = /^[a-z]+(?:-[a-z]+)*-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Route words such as credential-sets or secure-anonymous. */
const WORDS = /^[a-z]+(?:[-_.][a-z]+)*$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const JWT = /^[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*$/;
const MIN_TOKEN_LENGTH = 20;

function decoded(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * Whether a URL part looks like bearer material: an API key (satk_...), a JWT, or a long base64url string
 * that is not a UUID, a name built on one, or plain words. 20 characters is below any token the console
 * issues (invitations, sessions and keys carry 32 random bytes: 43 characters).
 */
export function looksLikeToken(raw: string): boolean {
  const value = decoded(raw);
  if (/^satk_/i.test(value) || JWT.test(value)) return true;
  if (value.length < MIN_TOKEN_LENGTH || !BASE64URL.test(value)) return false;
  return !UUID.test(value) && !NAMED_UUID.test(value) && !WORDS.test(value);
}

function redactQuery(query: string): string {
  return query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return looksLikeToken(pair) ? REDACTED : pair;
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      return value && (SECRET_PARAMS.has(decoded(name).toLowerCase()) || looksLikeToken(value)) ? `${name}=${REDACTED}` : pair;
    })
    .join('&');
}

/** The URL as it may be logged: token-shaped segments and query values, and any fragment, redacted. */
export function redactUrl(url: string): string {
  const hash = url.indexOf('#');
  const withoutFragment = hash < 0 ? url : url.slice(0, hash);
  const q = withoutFragment.indexOf('?');
  const path = q < 0 ? withoutFragment : withoutFragment.slice(0, q);
  const redactedPath = path
    .split('/')
    .map((segment) => (looksLikeToken(segment) ? REDACTED : segment))
    .join('/');
  const query = q < 0 ? '' : `?${redactQuery(withoutFragment.slice(q + 1))}`;
  return `${redactedPath}${query}${hash < 0 ? '' : `#${REDACTED}`}`;
}

interface LoggedRequest {
  method: string;
  url: string;
  headers?: Record<string, unknown>;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number } | null;
}

/** Fastify's request serializer (same fields), with the URL redacted. */
export function serializeRequest(req: LoggedRequest): Record<string, unknown> {
  return {
    method: req.method,
    url: redactUrl(req.url),
    version: req.headers?.['accept-version'],
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}
