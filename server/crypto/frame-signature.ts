// Frame's request signing: hex(HMAC-SHA256(key = client secret, msg = timestamp + clientId)).
// The clock is an argument. The rules without cryptography are in frame/signing-rules.ts (shared with the SPA).
import { createHmac } from 'node:crypto';
import { HEADER_CLIENT_ID, HEADER_SIGNATURE, HEADER_TIMESTAMP, stringToSign } from '../frame/signing-rules.js';

export type FrameSignedHeaders = {
  'X-Frame-ClientId': string;
  'X-Frame-Timestamp': string;
  'X-Frame-Signature': string;
};

/** 64 lowercase hex characters. */
export function frameSignature(clientId: string, secret: string, timestamp: number | string): string {
  return createHmac('sha256', secret).update(stringToSign(clientId, timestamp), 'utf8').digest('hex');
}

export function signedHeaders(clientId: string, secret: string, timestamp: number): FrameSignedHeaders {
  return {
    [HEADER_CLIENT_ID]: clientId,
    [HEADER_TIMESTAMP]: String(timestamp),
    [HEADER_SIGNATURE]: frameSignature(clientId, secret, timestamp),
  };
}
