// Decoding a JWT's header and claims without verifying it (for display and checks). Pure, browser-safe.

export interface DecodedJwt {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  signature: string;
}

const NodeBuffer = (globalThis as { Buffer?: { from(s: string, enc: 'base64url'): { toString(enc: 'utf8'): string } } }).Buffer;
const utf8 = new TextDecoder();

function base64UrlDecode(segment: string): string {
  // Node's Buffer is much faster (bulk mints decode thousands); the browser path uses atob.
  if (NodeBuffer) return NodeBuffer.from(segment, 'base64url').toString('utf8');
  const binary = atob(
    segment
      .replace(/-/g, '+')
      .replace(/_/g, '/')
      .padEnd(Math.ceil(segment.length / 4) * 4, '='),
  );
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return utf8.decode(bytes);
}

export const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** Returns null when the text is not a well-formed compact JWS with JSON header and claims. */
export function decodeJwt(token: string): DecodedJwt | null {
  if (!JWT_SHAPE.test(token)) return null;
  const [h, c, s] = token.split('.') as [string, string, string];
  try {
    const header: unknown = JSON.parse(base64UrlDecode(h));
    const claims: unknown = JSON.parse(base64UrlDecode(c));
    if (!header || typeof header !== 'object' || !claims || typeof claims !== 'object') return null;
    return { header: header as Record<string, unknown>, claims: claims as Record<string, unknown>, signature: s };
  } catch {
    return null;
  }
}

/** What an audit row says of a token someone sent: its jti, sub and exp, never the token (it is a bearer). */
export function tokenIdentity(token: string): { jti: unknown; sub: unknown; exp: unknown } {
  const claims = decodeJwt(token)?.claims ?? {};
  const short = (v: unknown) => (typeof v === 'string' ? v.slice(0, 100) : typeof v === 'number' ? v : null);
  return { jti: short(claims.jti), sub: short(claims.sub), exp: short(claims.exp) };
}
