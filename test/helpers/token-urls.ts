// URL shapes a client (or an attacker probing the log) may put a token in: the 27 the red-team pass of
// issue 13 tried (/work/attack-scripts/f4.mjs), plus the ones its findings named. Shared by the unit test
// of the redaction and the API test that greps the request log.

export interface TokenUrlSecrets {
  /** An invitation or session token: 32 random bytes, base64url. */
  token: string;
  /** An API key, satk_… */
  key: string;
  /** A session cookie value. */
  session: string;
  /** A JWT. */
  jwt: string;
  /** A provider id (a UUID: kept). */
  providerId: string;
}

export function tokenUrls(s: TokenUrlSecrets): string[] {
  const { token: T, key, session, jwt, providerId } = s;
  return [
    `/api/invites/${T}`,
    `/invite/${T}`,
    `/invite?token=${T}`,
    `/api/invites/lookup?t=${T}`,
    `/x?${T}`,
    `/x?a=1;token=${T}`,
    `/x;jsessionid=${T}`,
    `/invite/${T}.`,
    `/invite/${T}%00`,
    `/invite/${encodeURIComponent(`${T}/`)}`,
    `/x?next=/invite/${T}`,
    `/x?next=${encodeURIComponent(`/invite#${T}`)}`,
    `/x?redirect=https://h/?token=${T}`,
    `/api/v1/providers/${providerId}/tokens?key=${key}`,
    `/x/${key}`,
    `/x?k=Bearer%20${key}`,
    `/x?s=${session}`,
    `/invite/${T.slice(0, 21)}-${T.slice(21)}`,
    `/x/${T}:`,
    `/x/t=${T}`,
    `/x/${T}~`,
    `//${T}`,
    `/x?${encodeURIComponent('token')}=${T}`,
    `/x?TOKEN=${T}`,
    `/x?a[token]=${T}`,
    `/x?a=${T}%20`,
    `/x?a=${T}+`,
    // Named in the findings, and their neighbours.
    `/invite%23${T}`,
    `/invite%2523${T}`,
    `/x?a=%2F${T}`,
    `/x/${[...T].map((c, i) => (i % 3 === 0 ? `%${c.charCodeAt(0).toString(16).toUpperCase()}` : c)).join('')}`,
    `/x?k=Bearer%20${jwt}`,
    `/x/${jwt}.`,
    `/x?id_token=${jwt}&state=1`,
    `/x?cb=https://h/p#access_token=${T}`,
    `/x/@${T}@`,
    `/x?a=${T},${session}`,
    `/x?a="${T}"`,
  ];
}
