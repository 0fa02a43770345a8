// One-time link tokens (invitations, password resets): 32 random bytes in base64url, shown once to whoever
// issued the link; the database keeps only their SHA-256, so a copy of it opens no link.
import { randomBytes } from 'node:crypto';
import { sha256Hex } from './digest.js';

/** A new link token and the hash to store for it. */
export function newLinkToken(): { token: string; tokenHash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, tokenHash: linkTokenHash(token) };
}

/** What a link token is stored and looked up as. */
export function linkTokenHash(token: string): string {
  return sha256Hex(token);
}
