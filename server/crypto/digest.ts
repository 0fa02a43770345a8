// SHA-256 in hex of a text: how session tokens, invitation tokens and API keys are stored and looked up
// (the database never holds the token itself). One-shot crypto.hash (Node 20.12+): it runs on every
// signed-in request and skips the Hash object that createHash builds.
import { hash } from 'node:crypto';

export function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
}
