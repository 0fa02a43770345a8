// Password policy and argon2id hashing. Hashing is memory-hard on purpose, so only a few run at once:
// a burst of sign-ins waits in line instead of exhausting memory.
import { COMMON_PASSWORD_WORDS } from './common-passwords.js';

// The argon2 addon (13 MB resident) is loaded by the first hash or verify, not at start-up: a console
// restarted at night holds no memory for it until someone signs in.
let argon2: Promise<typeof import('@node-rs/argon2')> | undefined;
const loadArgon2 = () => (argon2 ??= import('@node-rs/argon2'));

/** OWASP's floor for argon2id: m = 19 MiB, t = 2, p = 1. */
export const ARGON2_OPTIONS = { algorithm: 2 /* Algorithm.Argon2id (a const enum) */, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;
const MAX_CONCURRENT_HASHES = 2;

/** Why a password is refused, in words a person can act on; null when it is acceptable. */
export function passwordProblem(password: string, email?: string): string | null {
  if ([...password].length < MIN_PASSWORD_LENGTH) return `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (password.length > MAX_PASSWORD_LENGTH) return `Use at most ${MAX_PASSWORD_LENGTH} characters.`;
  const lower = password.toLowerCase();
  if (/^(.)\1+$/u.test(lower)) return 'A single repeated character is too easy to guess.';
  // The common-password list ignores case, digits and symbols around a common word: "Password2024!" is "password".
  const core = lower.replace(/[^a-z]+/g, '');
  if (core.length === 0 || COMMON_PASSWORD_WORDS.has(core) || isSequence(lower) || isRepeatedChunk(core)) {
    return 'This password is on the list of common passwords; choose a less predictable one (a few random words work well).';
  }
  const local = email?.split('@')[0]?.toLowerCase();
  if (local && local.length >= 4 && core === local.replace(/[^a-z]+/g, '')) return 'Do not use your email address as the password.';
  return null;
}

function isSequence(value: string): boolean {
  const rows = ['abcdefghijklmnopqrstuvwxyz', '0123456789012345678901234567890', 'qwertyuiopasdfghjklzxcvbnm', '1qaz2wsx3edc4rfv5tgb6yhn'];
  return rows.some((row) => row.includes(value) || [...row].reverse().join('').includes(value));
}

function isRepeatedChunk(core: string): boolean {
  return /^(.{1,4})\1+$/.test(core);
}

let running = 0;
const waiting: (() => void)[] = [];

async function limited<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_CONCURRENT_HASHES) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

export function hashPassword(password: string): Promise<string> {
  return limited(async () => (await loadArgon2()).hash(password, ARGON2_OPTIONS));
}

export function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return limited(async () => (await loadArgon2()).verify(passwordHash, password).catch(() => false));
}

/** Compared against for unknown users, so "no such user" costs the same time as "wrong password". */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword('sat-playground: no such user, compare anyway');
  return dummyHash;
}
