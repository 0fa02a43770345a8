// Where the sign-in counters live: the SignInThrottle table, one row per client address, per email and per
// (email, address), keyed by a SHA-256 of what they count. Known and unknown emails are rows alike and
// rows only ever go once expired, whatever their number, so no flood can make the console forget one
// kind of lock and keep the other. In the database rather than in memory so that a restart forgets no
// lock, `npm run unlock` acts on a running console, and replicas can later share them.
// Each change is one synchronous read-decide-write on the connection Prisma uses, in an IMMEDIATE
// transaction: concurrent attempts (in this process or another) never interleave between the read and
// the write.
import type { Statement } from 'better-sqlite3';
import { sha256Hex } from '../crypto/digest.js';
import { connectionOf, writeOutsideTransactions, type Connection, type Db } from '../db/client.js';
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

export class ThrottleStore {
  private statements: { get: Statement; put: Statement; remove: Statement } | undefined;

  constructor(private readonly db: Db) {}

  private get connection(): Connection {
    return connectionOf(this.db);
  }

  private prepared() {
    const c = this.connection;
    this.statements ??= {
      get: c.prepare('SELECT * FROM "SignInThrottle" WHERE "key" = ?'),
      put: c.prepare(
        `INSERT INTO "SignInThrottle" ("key", "scope", "subject", "account", "failures", "windowStart", "lockedUntil", "level", "refused", "expiresAt")
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT ("key") DO UPDATE SET "failures" = excluded."failures", "windowStart" = excluded."windowStart", "lockedUntil" = excluded."lockedUntil",
           "level" = excluded."level", "refused" = excluded."refused", "expiresAt" = excluded."expiresAt"`,
      ),
      remove: c.prepare('DELETE FROM "SignInThrottle" WHERE "key" = ?'),
    };
    return this.statements;
  }

  /**
   * Reads the counters, lets `decide` (pure) say their next states (undefined removes a row) and a result,
   * writes them, all in one transaction.
   */
  update<T>(
    counters: CounterKey[],
    decide: (states: (CounterState | undefined)[]) => { states: (CounterState | undefined)[]; result: T },
  ): Promise<T> {
    return writeOutsideTransactions(this.connection, () =>
      this.connection
        .transaction(() => {
          const s = this.prepared();
          const current = counters.map((c) => {
            const row = s.get.get(c.key) as Row | undefined;
            return row && toState(row);
          });
          const { states, result } = decide(current);
          counters.forEach((c, i) => {
            const next = states[i];
            if (!next) s.remove.run(c.key);
            else
              s.put.run(
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
              );
          });
          return result;
        })
        .immediate(),
    );
  }

  /** The end of the current lock of each email's account counter, for those locked at `now`. */
  locks(emails: string[], now: number): Map<string, number> {
    const found = new Map<string, number>();
    if (!emails.length) return found;
    const byKey = new Map(emails.map((e) => [accountCounter(e).key, e]));
    const rows = this.connection
      .prepare(
        `SELECT "key", "lockedUntil" FROM "SignInThrottle" WHERE "lockedUntil" > ? AND "key" IN (${emails.map(() => '?').join(', ')})`,
      )
      .all(now, ...byKey.keys()) as { key: string; lockedUntil: Int }[];
    for (const r of rows) found.set(byKey.get(r.key)!, Number(r.lockedUntil));
    return found;
  }

  /** Removes an email's account counter and every (email, address) counter: the refused attempts they held, summed. */
  unlock(email: string): Promise<{ refused: number }> {
    const account = accountCounter(email).key;
    return writeOutsideTransactions(this.connection, () =>
      this.connection
        .transaction(() => {
          const { refused } = this.connection
            .prepare('SELECT COALESCE(SUM("refused"), 0) AS "refused" FROM "SignInThrottle" WHERE "key" = ? OR "account" = ?')
            .get(account, account) as { refused: Int };
          this.connection.prepare('DELETE FROM "SignInThrottle" WHERE "key" = ? OR "account" = ?').run(account, account);
          return { refused: Number(refused) };
        })
        .immediate(),
    );
  }

  /** Removes the counters that no longer matter; returns those that held refused attempts not yet on record. */
  purge(now: number): Promise<RefusedSummary[]> {
    return writeOutsideTransactions(this.connection, () =>
      this.connection
        .transaction(() => {
          const held = this.connection.prepare('SELECT * FROM "SignInThrottle" WHERE "expiresAt" <= ? AND "refused" > 0').all(now) as Row[];
          this.connection.prepare('DELETE FROM "SignInThrottle" WHERE "expiresAt" <= ?').run(now);
          return held.map(toSummary);
        })
        .immediate(),
    );
  }
}
