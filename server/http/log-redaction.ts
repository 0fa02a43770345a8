// The request log's second line of defence: no route takes a token in its URL, but a client may still put
// one there (an old invitation link, a script with ?token=, a pasted API key, a redirect target). Before a
// URL is logged, every token-shaped run of characters in it becomes [REDACTED], wherever it is: in a path
// segment, after a ; or a :, inside a query value that is itself a URL, percent-encoded once or twice.
// The scan runs over the percent-decoded URL, and each decoded character remembers the raw characters it
// came from, so what is cut is exactly the raw text of the token; the rest of the URL keeps its shape and
// its encoding, and a log line still says which route was called. Pure functions.

export const REDACTED = '[REDACTED]';

/** Query parameters whose value is a credential whatever it looks like. */
const SECRET_PARAMS = new Set([
  'token',
  'access_token',
  'id_token',
  'refresh_token',
  'invite',
  'invite_token',
  'key',
  'api_key',
  'apikey',
  'secret',
  'client_secret',
  'password',
  'code',
  'session',
  'jsessionid',
  'signature',
  'sig',
  'jwt',
  'auth',
  'authorization',
  'csrf',
  'csrf_token',
]);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Ids built from words and a UUID, like Frame's provider names (secure-anon-<uuid>). */
const NAMED_UUID = /^[a-z]+(?:-[a-z]+)*-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Route words such as credential-sets, secure-anonymous or sign_in. */
const WORDS = /^[a-z]+(?:[-_][a-z]+)*$/;
/**
 * The SPA's built files: CamelCase or lower-case words, a dash and Vite's 8-character hash, an extension
 * (AcceptInviteView-CkQ3r8Zp.js). A random 43-character token takes this shape about once in a million.
 */
const CAMEL_WORDS = '(?:[A-Z][a-z]+|[a-z]+)(?:[A-Z][a-z]+)*';
const BUILD_ASSET = new RegExp(
  `^${CAMEL_WORDS}(?:-${CAMEL_WORDS})*-[A-Za-z0-9_-]{8}\\.(?:js|mjs|css|map|json|svg|png|ico|txt|html|woff2?)$`,
);
const API_KEY = /satk_[A-Za-z0-9_-]*/gi;
/** A JWT: its header is JSON, so its base64url starts with "ey". */
const JWT = /ey[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]*/g;
/** Runs of the characters a token (or a JWT) is made of: each is looked at as a whole. */
const TOKEN_RUN = /[A-Za-z0-9_.-]+/g;
const MIN_TOKEN_LENGTH = 20;
/** Percent-decoding passes: enough for a token encoded twice (%2523 → %23 → #) or three times. */
const DECODE_PASSES = 3;

/**
 * Whether a run of base64url characters (no dots) is bearer material: 20 characters or more that are not a
 * UUID, a name built on one, or plain words. 20 is below any token the console issues (invitations,
 * sessions and keys carry 32 random bytes: 43 characters).
 */
function tokenShaped(part: string): boolean {
  return part.length >= MIN_TOKEN_LENGTH && !UUID.test(part) && !NAMED_UUID.test(part) && !WORDS.test(part);
}

/**
 * The URL percent-decoded, each decoded UTF-16 unit i coming from the raw units [from[i], to[i]) (no maps:
 * nothing was decoded, unit i is raw unit i). Bytes above 0x7f decode to one (non-token) unit each; invalid
 * escapes stay as they are.
 */
interface Decoded {
  text: string;
  from: Int32Array | null;
  to: Int32Array | null;
}

const isHex = (code: number) => (code >= 48 && code <= 57) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);

function decodeOnce(d: Decoded): Decoded | null {
  const raw = d.text;
  if (!raw.includes('%')) return null;
  const units: string[] = [];
  const from = new Int32Array(raw.length);
  const to = new Int32Array(raw.length);
  let n = 0;
  for (let i = 0; i < raw.length; i++) {
    const escaped = raw.charCodeAt(i) === 37 && i + 2 < raw.length && isHex(raw.charCodeAt(i + 1)) && isHex(raw.charCodeAt(i + 2));
    units.push(escaped ? String.fromCharCode(parseInt(raw.slice(i + 1, i + 3), 16)) : raw[i]!);
    from[n] = d.from ? d.from[i]! : i;
    if (escaped) i += 2;
    to[n] = d.to ? d.to[i]! : i + 1;
    n++;
  }
  return n === raw.length ? null : { text: units.join(''), from: from.subarray(0, n), to: to.subarray(0, n) };
}

function decoded(url: string): Decoded {
  let d: Decoded = { text: url, from: null, to: null };
  for (let pass = 0; pass < DECODE_PASSES; pass++) d = decodeOnce(d) ?? d;
  return d;
}

/** The [start, end) index ranges, within a run of token characters, that are bearer material. */
function tokenRanges(run: string): [number, number][] {
  // Most runs are route words and short values: shorter than any JWT (16) and no key prefix.
  if (run.length < 16 && !/satk_/i.test(run)) return [];
  const ranges: [number, number][] = [];
  for (const m of run.matchAll(API_KEY)) ranges.push([m.index, m.index + m[0].length]);
  for (const m of run.matchAll(JWT)) ranges.push([m.index, m.index + m[0].length]);
  if (BUILD_ASSET.test(run)) return ranges;
  let start = 0;
  for (const part of run.split('.')) {
    if (tokenShaped(part)) ranges.push([start, start + part.length]);
    start += part.length + 1;
  }
  return ranges;
}

function decodeName(raw: string): string {
  if (!/[%+]/.test(raw)) return raw.toLowerCase();
  let value = raw;
  for (let pass = 0; pass < DECODE_PASSES; pass++) {
    try {
      const next = decodeURIComponent(value.replace(/\+/g, ' '));
      if (next === value) break;
      value = next;
    } catch {
      break;
    }
  }
  return value.toLowerCase();
}

/** Raw ranges of query values under a credential's name (?password=hunter2, ?a[token]=x, ;token=…). */
function secretParamRanges(url: string, queryStart: number, queryEnd: number): [number, number][] {
  const ranges: [number, number][] = [];
  const pair = /[^&;]+/g;
  const query = url.slice(queryStart, queryEnd);
  for (const m of query.matchAll(pair)) {
    const eq = m[0].indexOf('=');
    if (eq < 0 || eq === m[0].length - 1) continue;
    const name = decodeName(m[0].slice(0, eq));
    const inner = /\[([^\]]*)\]$/.exec(name)?.[1];
    if (SECRET_PARAMS.has(name) || (inner !== undefined && SECRET_PARAMS.has(inner)))
      ranges.push([queryStart + m.index + eq + 1, queryStart + m.index + m[0].length]);
  }
  return ranges;
}

/**
 * Whether a URL part is, as a whole, bearer material: an API key (satk_...), a JWT, or a long base64url
 * string that is not a UUID, a name built on one, or plain words.
 */
export function looksLikeToken(raw: string): boolean {
  const value = decoded(raw).text;
  if (/^satk_/i.test(value)) return true;
  if (!/^[A-Za-z0-9_.-]+$/.test(value)) return false;
  return tokenRanges(value).some(([s, e]) => s === 0 && e === value.length) || new RegExp(`^${JWT.source}$`).test(value);
}

/** The URL as it may be logged: every token-shaped run, credential-named query values and any fragment redacted. */
export function redactUrl(url: string): string {
  const hash = url.indexOf('#');
  const end = hash < 0 ? url.length : hash;
  const d = decoded(url.slice(0, end));
  const ranges: [number, number][] = [];
  for (const run of d.text.matchAll(TOKEN_RUN)) {
    for (const [s, e] of tokenRanges(run[0])) {
      if (e > s) ranges.push([d.from ? d.from[run.index + s]! : run.index + s, d.to ? d.to[run.index + e - 1]! : run.index + e]);
    }
  }
  const q = url.indexOf('?');
  if (q >= 0 && q < end) ranges.push(...secretParamRanges(url, q + 1, end));
  if (hash >= 0 && hash + 1 < url.length) ranges.push([hash + 1, url.length]);
  return cut(url, ranges);
}

/** The text with each range (merged where they overlap or touch) replaced by REDACTED. */
function cut(text: string, ranges: [number, number][]): string {
  if (!ranges.length) return text;
  ranges.sort((a, b) => a[0] - b[0]);
  let out = '';
  let at = 0;
  let [start, stop] = ranges[0]!;
  for (const [s, e] of ranges.slice(1)) {
    if (s <= stop) stop = Math.max(stop, e);
    else {
      out += text.slice(at, start) + REDACTED;
      at = stop;
      [start, stop] = [s, e];
    }
  }
  return out + text.slice(at, start) + REDACTED + text.slice(stop);
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
