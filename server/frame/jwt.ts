// Decoding a JWT's header and claims without verifying it (for display and checks). Pure, browser-safe.

export interface DecodedJwt {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  signature: string;
}

function base64UrlDecode(segment: string): string {
  const padded = segment.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(segment.length / 4) * 4, '=');
  const binary = atob(padded);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
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
