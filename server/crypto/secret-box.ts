// AES-256-GCM sealing of secrets at rest. Each ciphertext names its master key (key id) and is bound
// by additional authenticated data to the row and field it belongs to, so it cannot be moved.
// Format: v1.<keyId>.<iv b64url>.<ciphertext b64url>.<tag b64url>
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

export interface MasterKey {
  id: string;
  key: Buffer;
}

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SecretBoxError extends Error {}

/**
 * Additional authenticated data: the ciphertext opens only for this row and field and, when `bound` is given,
 * only while those values (e.g. the client id and upstream a secret is for) are unchanged.
 */
export function aadFor(table: string, rowId: string, field: string, bound?: Record<string, string>): string {
  const base = `${VERSION}|${table}|${rowId}|${field}`;
  return bound ? `${base}|${JSON.stringify(Object.entries(bound).sort(([a], [b]) => (a < b ? -1 : 1)))}` : base;
}

export function seal(plaintext: string, key: MasterKey, aad: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, key.id, iv.toString('base64url'), ct.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

export function keyIdOf(sealed: string): string {
  const parts = sealed.split('.');
  if (parts.length !== 5 || parts[0] !== VERSION) throw new SecretBoxError('the stored secret is not in a known format');
  return parts[1]!;
}

/** Opens a sealed value with whichever of the given keys it names. */
export function open(sealed: string, keys: readonly MasterKey[], aad: string): string {
  const keyId = keyIdOf(sealed);
  const [, , ivText, ctText, tagText] = sealed.split('.') as [string, string, string, string, string];
  const key = keys.find((k) => k.id === keyId);
  if (!key) throw new SecretBoxError(`the stored secret was sealed with master key "${keyId}", which is not configured`);
  const decipher = createDecipheriv('aes-256-gcm', key.key, Buffer.from(ivText, 'base64url'), { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(Buffer.from(tagText, 'base64url'));
  try {
    return Buffer.concat([decipher.update(Buffer.from(ctText, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretBoxError(
      `the stored secret failed authentication under master key "${keyId}": it was altered, moved from another row, or the key is wrong`,
    );
  }
}

/** A short, stable, non-reversible id of a secret, safe to show (HMAC keyed by a key derived from the master key). */
export function fingerprint(plaintext: string, key: MasterKey): string {
  const fpKey = createHmac('sha256', key.key).update('sat-playground/fingerprint/v1').digest();
  return createHmac('sha256', fpKey).update(plaintext, 'utf8').digest('hex').slice(0, 12);
}
