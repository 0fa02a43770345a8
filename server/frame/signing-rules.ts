// Frame's request-signing rules that need no cryptography, so the SPA can use them too (signing.ts adds the
// HMAC, which needs Node).
export const HEADER_CLIENT_ID = 'X-Frame-ClientId';
export const HEADER_TIMESTAMP = 'X-Frame-Timestamp';
export const HEADER_SIGNATURE = 'X-Frame-Signature';

/**
 * How much of a signature the console shows: enough to tell two apart, far too little to use (a signature is a
 * bearer credential for every provider of the key during its window).
 */
export const SIGNATURE_PREFIX_LENGTH = 8;

/** Frame's accepted clock skew is not documented; ±300 s is our inference (the emulator's default too). */
export const FRAME_TIMESTAMP_WINDOW_SECONDS = 300;

/** The exact string Frame signs: the decimal unix-seconds timestamp immediately followed by the client id. */
export function stringToSign(clientId: string, timestamp: number | string): string {
  return `${timestamp}${clientId}`;
}

/** Unix seconds from a millisecond clock reading. */
export function unixSeconds(nowMs: number): number {
  return Math.floor(nowMs / 1000);
}
