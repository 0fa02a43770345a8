// Daily token quotas by role. Every token a user mints in a UTC day counts, in the Playground and in bulk
// jobs alike (API keys have their own per-minute limit and are not counted here). The count is a row per
// user and day (QuotaDay: used, reserved), shared by every replica and changed by single conditional
// statements, so two replicas never both give away the last tokens. A day's row starts from the audit log
// (the token.minted rows of that user that day, minted or still in flight) the first time it is asked for.
//
// How a mint path uses it: reserve before the upstream call, then say what was minted.
//
//   const reservation = await quota.reserve(principal, 1);   // throws DomainError quota/exceeded (429) when over
//   try {
//     const minted = await ...;                         // the audited upstream call
//     if (minted.outcome.kind === 'ok') await reservation.spend(1);
//   } finally {
//     await reservation.release();                      // gives back whatever was not spent
//   }
//
// (`reservation.settle(spent)` does both at once.) The Playground reserves in its own path (MintService.mint),
// not in MintService.auditedCall: bulk jobs call that too and reserve for themselves. A bulk job reserves its
// whole count when it starts, so a job that would not fit is refused before it mints anything, spends one
// per token, and releases the rest when it stops, however it stops (a job whose process died has the rest
// released by the replica that marks it failed, bulk.ts).
import { sqlOf, type Db } from '../db/client.js';
import type { Sql } from '../db/sql.js';
import { DomainError } from '../errors.js';
import { storedDate } from './audit.js';
import type { Principal } from '../auth/context.js';
import type { Role } from '../contract/permissions.js';
import type { TokenUsage } from '../contract/bulk.js';
import { DEFAULT_DAILY_TOKEN_LIMITS, type DailyTokenLimits } from './bulk-limits.js';

const DAY_MS = 86_400_000;

interface Bucket {
  /** Days since the epoch (UTC). */
  day: number;
  /** Tokens minted that day. */
  used: number;
  /** Held by reservations not yet spent or released. */
  reserved: number;
}

/** Where a reservation's spending and releasing go: its user's rows. */
interface Account {
  spend(n: number, fromReserve: number): Promise<void>;
  release(n: number): Promise<void>;
}

export class Reservation {
  private left: number;

  constructor(
    private readonly account: Account | null,
    readonly size: number,
  ) {
    this.left = size;
  }

  /** Tokens reserved and neither spent nor released yet. */
  get unspent(): number {
    return this.left;
  }

  /** Counts n tokens as minted. */
  async spend(n = 1): Promise<void> {
    if (n <= 0) return;
    const fromReserve = Math.min(n, this.left);
    this.left -= fromReserve;
    await this.account?.spend(n, fromReserve);
  }

  /** Gives back what was not spent (idempotent); returns how many tokens that was. */
  async release(): Promise<number> {
    const left = this.left;
    this.left = 0;
    if (left > 0) await this.account?.release(left);
    return left;
  }

  /** spend(spent), then release(). */
  async settle(spent: number): Promise<number> {
    await this.spend(spent);
    return this.release();
  }
}

const count = (n: number) => n.toLocaleString('en-US');
const tokens = (n: number) => `${count(n)} token${n === 1 ? '' : 's'}`;

function untilMidnight(ms: number): string {
  const minutes = Math.ceil(ms / 60_000);
  return minutes >= 60 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min` : `${minutes} min`;
}

/** `reserved` less n, never below 0 (a dead job's rest is released from its last known count). */
const LESS_RESERVED = 'CASE WHEN "reserved" > ? THEN "reserved" - ? ELSE 0 END';

export class QuotaService {
  constructor(
    private readonly db: Db,
    private readonly limits: DailyTokenLimits = DEFAULT_DAILY_TOKEN_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  private get sql(): Sql {
    return sqlOf(this.db);
  }

  limitOf(role: Role): number | null {
    return this.limits[role];
  }

  /**
   * Holds n tokens of the principal's quota for today, or throws quota/exceeded (429, with Retry-After at
   * the next UTC midnight when n fits in a day at all). API keys and the system are not counted: the
   * reservation they get does nothing. The check and the taking are one statement.
   */
  async reserve(principal: Principal, n: number): Promise<Reservation> {
    if (principal.kind !== 'user') return new Reservation(null, n);
    const limit = this.limits[principal.role];
    const day = this.today();
    await this.ensureDay(principal.userId, day);
    const taken = await this.sql.run(
      `UPDATE "QuotaDay" SET "reserved" = "reserved" + ? WHERE "userId" = ? AND "day" = ?${limit === null ? '' : ' AND "used" + "reserved" + ? <= ?'}`,
      limit === null ? [n, principal.userId, day] : [n, principal.userId, day, n, limit],
    );
    if (taken !== 1) throw this.exceeded(principal.role, limit!, await this.bucket(principal.userId, day), n);
    return new Reservation(this.account(principal.userId, day), n);
  }

  /** Today's count for the principal (what the Bulk panel shows). */
  async usage(principal: Principal): Promise<TokenUsage> {
    const day = this.today();
    const limit = principal.kind === 'user' ? this.limits[principal.role] : null;
    const bucket = principal.kind === 'user' ? await this.bucket(principal.userId, day) : { day, used: 0, reserved: 0 };
    return {
      day: new Date(day * DAY_MS).toISOString().slice(0, 10),
      resetsAt: new Date((day + 1) * DAY_MS).toISOString(),
      used: bucket.used,
      reserved: bucket.reserved,
      limit,
      remaining: limit === null ? null : Math.max(0, limit - bucket.used - bucket.reserved),
    };
  }

  /** Gives back tokens held on a day (a bulk job whose process died: the replica that ends it releases its rest). */
  async releaseFor(userId: string, day: number, n: number): Promise<void> {
    if (n > 0)
      await this.sql.run(`UPDATE "QuotaDay" SET "reserved" = ${LESS_RESERVED} WHERE "userId" = ? AND "day" = ?`, [n, n, userId, day]);
  }

  /** The UTC day (since the epoch) of a time on the service's clock. */
  dayOf(ms: number): number {
    return Math.floor(ms / DAY_MS);
  }

  private today(): number {
    return this.dayOf(this.now());
  }

  private async bucket(userId: string, day: number): Promise<Bucket> {
    await this.ensureDay(userId, day);
    const row = await this.sql.get<{ used: number | bigint; reserved: number | bigint }>(
      'SELECT "used", "reserved" FROM "QuotaDay" WHERE "userId" = ? AND "day" = ?',
      [userId, day],
    );
    return { day, used: Number(row?.used ?? 0), reserved: Number(row?.reserved ?? 0) };
  }

  /** The user's row of the day, started from the audit log when there is none (the first insert wins). */
  private async ensureDay(userId: string, day: number): Promise<void> {
    const found = await this.sql.get('SELECT 1 AS "x" FROM "QuotaDay" WHERE "userId" = ? AND "day" = ?', [userId, day]);
    if (found) return;
    const used = await this.mintedOn(userId, day);
    await this.sql.run('INSERT INTO "QuotaDay" ("userId", "day", "used", "reserved") VALUES (?, ?, ?, 0) ON CONFLICT DO NOTHING', [
      userId,
      day,
      used,
    ]);
  }

  /**
   * A token is counted on the day it is minted: a reservation taken yesterday by a job still running after
   * midnight spends into today's count and gives back nothing to it.
   */
  private account(userId: string, day: number): Account {
    return {
      spend: async (n, fromReserve) => {
        const today = this.today();
        if (today === day) {
          await this.sql.run(`UPDATE "QuotaDay" SET "used" = "used" + ?, "reserved" = ${LESS_RESERVED} WHERE "userId" = ? AND "day" = ?`, [
            n,
            fromReserve,
            fromReserve,
            userId,
            day,
          ]);
          return;
        }
        await this.releaseFor(userId, day, fromReserve);
        await this.ensureDay(userId, today);
        await this.sql.run('UPDATE "QuotaDay" SET "used" = "used" + ? WHERE "userId" = ? AND "day" = ?', [n, userId, today]);
      },
      release: (n) => this.releaseFor(userId, day, n),
    };
  }

  /** token.minted rows of the user that day, minted or in flight (a row left pending by a crash counts). */
  private async mintedOn(userId: string, day: number): Promise<number> {
    const row = await this.sql.get<{ n: number | bigint }>(
      `SELECT COUNT(*) AS "n" FROM "AuditEvent" WHERE "actorId" = ? AND "action" = 'token.minted' AND "at" >= ? AND "at" < ? AND "outcome" IN ('ok', 'pending')`,
      [userId, storedDate(day * DAY_MS), storedDate((day + 1) * DAY_MS)],
    );
    return Number(row?.n ?? 0);
  }

  private exceeded(role: Role, limit: number, bucket: Bucket, n: number): DomainError {
    const untilReset = (bucket.day + 1) * DAY_MS - this.now();
    if (n > limit) {
      return new DomainError(
        'quota/exceeded',
        `This needs ${tokens(n)}, more than the ${count(limit)} a ${role} user may mint in a day: split it into smaller jobs, or ask an owner to raise the limit.`,
      );
    }
    const left = Math.max(0, limit - bucket.used - bucket.reserved);
    const held = bucket.reserved > 0 ? `, ${count(bucket.reserved)} of them held by running bulk jobs` : '';
    return new DomainError(
      'quota/exceeded',
      `This needs ${tokens(n)}, but only ${count(left)} of the ${count(limit)} a ${role} user may mint a day are left (${count(bucket.used + bucket.reserved)} used${held}). The count starts again at 00:00 UTC, in ${untilMidnight(untilReset)}.`,
      undefined,
      { retryAfterSeconds: Math.ceil(untilReset / 1000) },
    );
  }
}
