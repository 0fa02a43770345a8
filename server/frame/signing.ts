// Frame's request signing: hex(HMAC-SHA256(key = client secret, msg = timestamp + clientId)).
// Pure: the clock is an argument. Works in Node and, through the Web Crypto variant, in the browser.
import { createHmac } from 'node:crypto';

export const HEADER_CLIENT_ID = 'X-Frame-ClientId';
export const HEADER_TIMESTAMP = 'X-Frame-Timestamp';
export const HEADER_SIGNATURE = 'X-Frame-Signature';

export type FrameSignedHeaders = {
  'X-Frame-ClientId': string;
  'X-Frame-Timestamp': string;
  'X-Frame-Signature': string;
};

/** The exact string Frame signs: the decimal unix-seconds timestamp immediately followed by the client id. */
export function stringToSign(clientId: string, timestamp: number | string): string {
  return `${timestamp}${clientId}`;
}

/** 64 lowercase hex characters. */
export function frameSignature(clientId: string, secret: string, timestamp: number | string): string {
  return createHmac('sha256', secret).update(stringToSign(clientId, timestamp), 'utf8').digest('hex');
}

/** Unix seconds from a millisecond clock reading. */
export function unixSeconds(nowMs: number): number {
  return Math.floor(nowMs / 1000);
}

export function signedHeaders(clientId: string, secret: string, timestamp: number): FrameSignedHeaders {
  return {
    [HEADER_CLIENT_ID]: clientId,
    [HEADER_TIMESTAMP]: String(timestamp),
    [HEADER_SIGNATURE]: frameSignature(clientId, secret, timestamp),
  };
}
