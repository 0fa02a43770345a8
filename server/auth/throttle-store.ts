// Where the sign-in counters live: the SignInThrottle table, one row per client address, per email and per
// (email, address), keyed by a SHA-256 of what they count. Known and unknown emails are rows alike and
// rows only ever go once expired, whatever their number, so no flood can make the console forget one
// kind of lock and keep the other. In the database rather than in memory so that a restart forgets no
// lock, `npm run unlock` acts on a running console, and replicas can later share them.
// Each change is one read-decide-write transaction that holds its counters' locks (SQLite: the write lock
// of BEGIN IMMEDIATE; PostgreSQL: an advisory lock per counter), so concurrent attempts, in this process
// or in another replica, never interleave between the read and the write.
import { sha256Hex } from '../crypto/digest.js';
import { sqlOf, type Db } from '../db/client.js';
import type { Sql } from '../db/sql.js';
import { addressGroup } from './address-group.js';
import { ACCOUNT_POLICY, ADDRESS_POLICY, expiresAt, PAIR_POLICY, PASSWORD_POLICY, type CounterState, type Policy } from './throttle.js';

/** password: the current-password check of a password change, per user (password-guard.ts). */
export type Scope = 'address' | 'account' | 'pair' | 'password';

export const POLICIES: Readonly<Record<Scope, Policy>> = {
  address: ADDRESS_POLICY,
  account: ACCOUNT_POLICY,
  pair: PAIR_POLICY,
  password: PASSWORD_POLICY,
};

export interface CounterKey {
  key: string;
  scope: Scope;
  /** What the counter is about, as audit detail: { address }, { email } or { email, address }. */
  subject: Record<string, string>;
  /** For a pair or a password counter: the key of its account (an unlock removes them with it). */
  account: string | null;
}

/** A counter whose refused attempts still have to be put on record. */
export interface RefusedSummary {
  scope: Scope;
  subject: Record<string, string>;
  refused: number;
}

const keyOf = (scope: Scope, value: string) => sha256Hex(`sat-sign-in:${scope}\n${value}`);

/** Per client: an IPv4 address or an IPv6 /64. */
export function addressCounter(ip: string): CounterKey {
  const client = addressGroup(ip);
  return { key: keyOf('address', client), scope: 'address', subject: { address: client }, account: null };
}

/** The email must be normalised (trimmed, lower case) by the caller. */
export function accountCounter(email: string): CounterKey {
  return { key: keyOf('account', email), scope: 'account', subject: { email }, account: null };
}

export function pairCounter(email: string, ip: string): CounterKey {
  const client = addressGroup(ip);
  return {
    key: keyOf('pair', `${email}\n${client}`),
    scope: 'pair',
    subject: { email, address: client },
    account: keyOf('account', email),
  };
}

/** The current-password guesses of a password change, per user; the email must be normalised. */
export function passwordCounter(userId: string, email: string): CounterKey {
  return { key: keyOf('password', userId), scope: 'password', subject: { email }, account: keyOf('account', email) };
}

/** Integers as the connection reads them: BigInt (the Prisma adapter turns safe integers on). */
type Int = number | bigint;

interface Row {
  key: string;
  scope: Scope;
  subject: string;
  failures: Int;
  windowStart: Int;
  lockedUntil: Int | null;
  level: Int;
  refused: Int;
}

const toState = (r: Row): CounterState => ({
  failures: Number(r.failures),
  windowStart: Number(r.windowStart),
  lockedUntil: r.lockedUntil === null ? null : Number(r.lockedUntil),
  level: Number(r.level),
  refused: Number(r.refused),
});
const toSummary = (r: Row): RefusedSummary => ({
  scope: r.scope,
  subject: JSON.parse(r.subject) as Record<string, string>,
  refused: Number(r.refused),
});

const GET = 'SELECT * FROM "SignInThrottle" WHERE "key" = ?';
const PUT = `INSERT INTO "SignInThrottle" ("key", "scope", "subject", "account", "failures", "windowStart", "lockedUntil", "level", "refused", "expiresAt")
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT ("key") DO UPDATE SET "failures" = excluded."failures", "windowStart" = excluded."windowStart", "lockedUntil" = excluded."lockedUntil",
    "level" = excluded."level", "refused" = excluded."refused", "expiresAt" = excluded."expiresAt"`;
const REMOVE = 'DELETE FROM "SignInThrottle" WHERE "key" = ?';
/**
 * Locks (PostgreSQL advisory locks): a change holds the lock of each account its counters belong to (an
 * unlock holds its account's), and shares the table's lock, which a purge holds alone.
 */
const accountLock = (c: CounterKey) => `sign-in-throttle:${c.account ?? c.key}`;
const TABLE_LOCK = 'sign-in-throttle';

export class ThrottleStore {
  constructor(private readonly db: Db) {}

  private get sql(): Sql {
    return sqlOf(this.db);
  }

  /**
   * Reads the counters, lets `decide` (pure) say their next states (undefined removes a row) and a result,
   * writes them, all in one transaction.
   */
  update<T>(
    counters: CounterKey[],
    decide: (states: (CounterState | undefined)[]) => { states: (CounterState | undefined)[]; result: T },
  ): Promise<T> {
    return this.sql.transaction(
      async (tx) => {
        const current: (CounterState | undefined)[] = [];
        for (const c of counters) {
          const row = await tx.get<Row>(GET, [c.key]);
          current.push(row && toState(row));
        }
        const { states, result } = decide(current);
        for (const [i, c] of counters.entries()) {
          const next = states[i];
          if (!next) await tx.run(REMOVE, [c.key]);
          else
            await tx.run(PUT, [
              c.key,
              c.scope,
              JSON.stringify(c.subject),
              c.account,
              next.failures,
              next.windowStart,
              next.lockedUntil,
              next.level,
              next.refused,
              expiresAt(next, POLICIES[c.scope]),
            ]);
        }
        return result;
      },
      { locks: counters.map(accountLock), sharedLocks: [TABLE_LOCK] },
    );
  }

  /** The end of the current lock of each email's account counter, for those locked at `now`. */
  async locks(emails: string[], now: number): Promise<Map<string, number>> {
    const found = new Map<string, number>();
    if (!emails.length) return found;
    const byKey = new Map(emails.map((e) => [accountCounter(e).key, e]));
    const rows = await this.sql.all<{ key: string; lockedUntil: Int }>(
      `SELECT "key", "lockedUntil" FROM "SignInThrottle" WHERE "lockedUntil" > ? AND "key" IN (${emails.map(() => '?').join(', ')})`,
      [now, ...byKey.keys()],
    );
    for (const r of rows) found.set(byKey.get(r.key)!, Number(r.lockedUntil));
    return found;
  }

  /** Removes an email's account counter and every (email, address) counter: the refused attempts they held, summed. */
  unlock(email: string): Promise<{ refused: number }> {
    const account = accountCounter(email).key;
    return this.sql.transaction(
      async (tx) => {
        const row = await tx.get<{ refused: Int }>(
          'SELECT COALESCE(SUM("refused"), 0) AS "refused" FROM "SignInThrottle" WHERE "key" = ? OR "account" = ?',
          [account, account],
        );
        await tx.run('DELETE FROM "SignInThrottle" WHERE "key" = ? OR "account" = ?', [account, account]);
        return { refused: Number(row?.refused ?? 0) };
      },
      { locks: [accountLock(accountCounter(email))], sharedLocks: [TABLE_LOCK] },
    );
  }

  /** Removes the counters that no longer matter; returns those that held refused attempts not yet on record. */
  purge(now: number): Promise<RefusedSummary[]> {
    return this.sql.transaction(
      async (tx) => {
        const held = await tx.all<Row>('SELECT * FROM "SignInThrottle" WHERE "expiresAt" <= ? AND "refused" > 0', [now]);
        await tx.run('DELETE FROM "SignInThrottle" WHERE "expiresAt" <= ?', [now]);
        return held.map(toSummary);
      },
      { locks: [TABLE_LOCK] },
    );
  }
}
