// The session cookie and the device cookie (a browser that signed in before, server/auth/devices.ts):
// HttpOnly, SameSite=Strict, Path=/; over TLS they are Secure and carry the __Host- prefix (which browsers
// only accept when Secure, on this exact host). Over TLS only the __Host- names are read: a plain-named
// cookie may have been set by a sibling subdomain (cookie tossing: the attacker's own session or device
// cookie slipped into the victim's browser). Over plain http only the plain names exist. Pure functions.
export const SESSION_COOKIE = 'sat_session';
export const SECURE_SESSION_COOKIE = '__Host-sat_session';
export const DEVICE_COOKIE = 'sat_device';
export const SECURE_DEVICE_COOKIE = '__Host-sat_device';
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{20,100}$/;

/** The value of a cookie in a Cookie header, or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function cookie(name: string, value: string, opts: { secure: boolean; maxAgeSeconds: number }): string {
  return `${opts.secure ? `__Host-${name}` : name}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${opts.maxAgeSeconds}${opts.secure ? '; Secure' : ''}`;
}

function tokenFrom(cookieHeader: string | undefined, name: string, secure: boolean): string | undefined {
  const token = readCookie(cookieHeader, secure ? `__Host-${name}` : name);
  return token && TOKEN_SHAPE.test(token) ? token : undefined;
}

export function sessionCookie(token: string, opts: { secure: boolean; maxAgeSeconds: number }): string {
  return cookie(SESSION_COOKIE, token, opts);
}

export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie('', { secure, maxAgeSeconds: 0 });
}

/** `secure`: the request came over TLS (request.protocol === 'https'). */
export function sessionTokenFrom(cookieHeader: string | undefined, secure: boolean): string | undefined {
  return tokenFrom(cookieHeader, SESSION_COOKIE, secure);
}

/** Long-lived: it outlives sessions and sign-outs, and is renewed at every sign-in. */
export function deviceCookie(token: string, opts: { secure: boolean; maxAgeSeconds: number }): string {
  return cookie(DEVICE_COOKIE, token, opts);
}

export function deviceTokenFrom(cookieHeader: string | undefined, secure: boolean): string | undefined {
  return tokenFrom(cookieHeader, DEVICE_COOKIE, secure);
}
