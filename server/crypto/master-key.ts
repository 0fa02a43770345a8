// The master key ring. The current key seals; every key in the ring may open (during a rotation the old
// key stays configured until `npm run rotate-key` has re-sealed everything).
//   - SAT_MASTER_KEY (hex or base64 of 32 bytes) with SAT_MASTER_KEY_ID, plus SAT_PREVIOUS_MASTER_KEYS
//     ("id:key,id:key") for keys being rotated out; or else
//   - <DATA_DIR>/master.key (mode 0600), generated on first start: {"id", "key", "previous": [{"id", "key"}]}.
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MasterKey } from './secret-box.js';

export const MASTER_KEY_FILE = 'master.key';

export interface KeyRing {
  current: MasterKey;
  /** The current key first, then the previous ones. */
  keys: MasterKey[];
  source: 'env' | 'file' | 'generated';
}

export interface MasterKeyEnv {
  SAT_MASTER_KEY?: string | undefined;
  SAT_MASTER_KEY_ID?: string | undefined;
  SAT_PREVIOUS_MASTER_KEYS?: string | undefined;
}

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

export function generateMasterKey(): MasterKey {
  const key = randomBytes(32);
  return { id: defaultKeyId(key), key };
}

function parsePrevious(text: string | undefined): MasterKey[] {
  if (!text?.trim()) return [];
  return text.split(',').map((entry, i) => {
    const at = entry.indexOf(':');
    if (at < 1) throw new Error(`SAT_PREVIOUS_MASTER_KEYS entry ${i + 1} must be "<key id>:<key>"`);
    return { id: entry.slice(0, at).trim(), key: decodeKeyMaterial(entry.slice(at + 1), `SAT_PREVIOUS_MASTER_KEYS entry ${i + 1}`) };
  });
}

interface KeyFileEntry {
  id: string;
  key: string;
}
interface KeyFile extends KeyFileEntry {
  previous?: KeyFileEntry[];
}

function readKeyFile(path: string): MasterKey[] {
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  let parsed: KeyFile;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as KeyFile;
  } catch {
    throw new Error(`${path} is not a valid master key file (expected JSON {"id", "key"}); restore it from your backup`);
  }
  const entries = [parsed, ...(parsed.previous ?? [])];
  return entries.map((e) => {
    if (typeof e.id !== 'string' || typeof e.key !== 'string') throw new Error(`${path} must hold {"id": "...", "key": "<base64>"}`);
    return { id: e.id, key: decodeKeyMaterial(e.key, path) };
  });
}

/** Writes the key file atomically (temp file + rename), mode 0600. */
export function writeKeyFile(dataDir: string, keys: readonly MasterKey[]): void {
  const [current, ...previous] = keys;
  if (!current) throw new Error('no key to write');
  const entry = (k: MasterKey): KeyFileEntry => ({ id: k.id, key: k.key.toString('base64') });
  const body: KeyFile = { ...entry(current), ...(previous.length ? { previous: previous.map(entry) } : {}) };
  const path = join(dataDir, MASTER_KEY_FILE);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(body)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}

export function usesKeyFile(env: MasterKeyEnv): boolean {
  return !env.SAT_MASTER_KEY;
}

export function loadKeyRing(env: MasterKeyEnv, dataDir: string): KeyRing {
  if (env.SAT_MASTER_KEY) {
    const key = decodeKeyMaterial(env.SAT_MASTER_KEY, 'SAT_MASTER_KEY');
    const current = { id: env.SAT_MASTER_KEY_ID || defaultKeyId(key), key };
    const previous = parsePrevious(env.SAT_PREVIOUS_MASTER_KEYS).filter((k) => k.id !== current.id);
    return { current, keys: [current, ...previous], source: 'env' };
  }
  const path = join(dataDir, MASTER_KEY_FILE);
  if (existsSync(path)) {
    const keys = readKeyFile(path);
    return { current: keys[0]!, keys, source: 'file' };
  }
  const current = generateMasterKey();
  writeFileSync(path, `${JSON.stringify({ id: current.id, key: current.key.toString('base64') })}\n`, { mode: 0o600, flag: 'wx' });
  return { current, keys: [current], source: 'generated' };
}
