// Password policy and argon2id hashing. Hashing is memory-hard on purpose, so only a few run at once, in
// a bounded line where trusted work goes first (hash-queue.ts): every hash needs a ticket from `hashing`.
import { COMMON_PASSWORD_WORDS } from './common-passwords.js';
import { HashQueue, type HashTicket } from './hash-queue.js';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../contract/auth.js';

// The argon2 addon (13 MB resident) is loaded by the first hash or verify, not at start-up: a console
// restarted at night holds no memory for it until someone signs in.
let argon2: Promise<typeof import('@node-rs/argon2')> | undefined;
const loadArgon2 = () => (argon2 ??= import('@node-rs/argon2'));

/** OWASP's floor for argon2id: m = 19 MiB, t = 2, p = 1. */
export const ARGON2_OPTIONS = {
  algorithm: 2 /* Algorithm.Argon2id (a const enum) */,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;
export const MAX_CONCURRENT_HASHES = 2;
/** Per line (trusted, untrusted): beyond this an attempt is refused at once (auth/busy). */
export const MAX_WAITING_HASHES = 16;

/** One line for the process: memory and cores are the process's. */
export const hashing = new HashQueue(MAX_CONCURRENT_HASHES, MAX_WAITING_HASHES);

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

export function hashPassword(password: string, ticket: HashTicket): Promise<string> {
  return ticket.run(async () => (await loadArgon2()).hash(password, ARGON2_OPTIONS));
}

/**
 * Whether the password matches the hash: false only for a real mismatch. When argon2 cannot compare at all (a
 * stored hash it cannot read, the addon failing, memory refused) it throws: that is the console's fault, never
 * an answer about the password (the sign-in answers 500 and the attempt does not count against anyone).
 */
export function verifyPassword(passwordHash: string, password: string, ticket: HashTicket): Promise<boolean> {
  return ticket.run(async () => {
    const argon = await loadArgon2();
    try {
      return await argon.verify(passwordHash, password);
    } catch (err) {
      throw new PasswordCheckFailed(err);
    }
  });
}

/** argon2 could not compare a password with its hash. The message names neither (nor the hash). */
export class PasswordCheckFailed extends Error {
  constructor(cause: unknown) {
    super(`argon2 could not check a password (${cause instanceof Error ? cause.message.slice(0, 120) : 'unknown error'})`, { cause });
    this.name = 'PasswordCheckFailed';
  }
}

/**
 * Compared against for unknown users, so "no such user" costs the same time as "wrong password". Made once,
 * in the trusted line (it is the console's own work) and outside its bound; made again if that failed.
 */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= (async () => {
    const ticket = hashing.reserve('trusted') ?? hashing.reserveBeyondBound('trusted');
    return hashPassword('sat-playground: no such user, compare anyway', ticket);
  })().catch((err: unknown) => {
    dummyHash = undefined;
    throw err;
  });
  return dummyHash;
}
