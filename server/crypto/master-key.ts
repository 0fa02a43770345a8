// The master key: from SAT_MASTER_KEY (base64 or hex of 32 bytes, id from SAT_MASTER_KEY_ID), or else
// generated on first start into <DATA_DIR>/master.key with mode 0600.
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MasterKey } from './secret-box.js';

export const MASTER_KEY_FILE = 'master.key';

export function decodeKeyMaterial(text: string, origin: string): Buffer {
  const trimmed = text.trim();
  const buf = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (buf.length !== 32) throw new Error(`${origin} must be 32 bytes, as 64 hex characters or base64 (got ${buf.length} bytes)`);
  return buf;
}

/** Default key id: a short hash of the key, so two different keys never share an id by accident. */
export function defaultKeyId(key: Buffer): string {
  return `k-${createHash('sha256').update(key).digest('hex').slice(0, 8)}`;
}

interface KeyFile {
  id: string;
  key: string;
}

export function loadMasterKey(env: { SAT_MASTER_KEY?: string | undefined; SAT_MASTER_KEY_ID?: string | undefined }, dataDir: string): { key: MasterKey; source: 'env' | 'file' | 'generated' } {
  if (env.SAT_MASTER_KEY) {
    const key = decodeKeyMaterial(env.SAT_MASTER_KEY, 'SAT_MASTER_KEY');
    return { key: { id: env.SAT_MASTER_KEY_ID || defaultKeyId(key), key }, source: 'env' };
  }
  const path = join(dataDir, MASTER_KEY_FILE);
  if (existsSync(path)) {
    const mode = statSync(path).mode & 0o777;
    if (mode & 0o077) chmodSync(path, 0o600);
    let parsed: KeyFile;
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8')) as KeyFile;
    } catch {
      throw new Error(`${path} is not a valid master key file (expected JSON {"id", "key"}); restore it from your backup`);
    }
    if (typeof parsed.id !== 'string' || typeof parsed.key !== 'string') throw new Error(`${path} must hold {"id": "...", "key": "<base64>"}`);
    return { key: { id: parsed.id, key: decodeKeyMaterial(parsed.key, path) }, source: 'file' };
  }
  const key = randomBytes(32);
  const id = defaultKeyId(key);
  writeFileSync(path, `${JSON.stringify({ id, key: key.toString('base64') })}\n`, { mode: 0o600, flag: 'wx' });
  return { key: { id, key }, source: 'generated' };
}
