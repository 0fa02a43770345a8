// Daily token quotas by role. Every token a user mints in a UTC day counts, in the Playground and in bulk
// jobs alike (API keys have their own per-minute limit and are not counted here). The day's count is read
// once from the audit log (the token.minted rows of that user that day, minted or still in flight), so it
// survives a restart, and kept in memory after that.
//
// How a mint path uses it: reserve before the upstream call, then say what was minted.
//
//   const reservation = await quota.reserve(principal, 1);   // throws DomainError quota/exceeded (429) when over
//   try {
//     const minted = await ...;                         // the audited upstream call
//     if (minted.outcome.kind === 'ok') reservation.spend(1);
//   } finally {
//     reservation.release();                            // gives back whatever was not spent
//   }
//
// (`reservation.settle(spent)` does both at once.) The Playground reserves in its own path (MintService.mint),
// not in MintService.auditedCall: bulk jobs call that too and reserve for themselves. A bulk job reserves its
// whole count when it starts, so a job that would not fit is refused before it mints anything, spends one
// per token, and releases the rest when it stops, however it stops. reserve() reads the day's count first
// (once per user and day), then checks and takes in one synchronous step: that cannot interleave with
// another request's.
import { sqlOf, type Db } from '../db/client.js';
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
  /** Tokens minted that day (read from the audit log, then counted here). */
  used: number;
  /** Held by reservations not yet spent or released. */
  reserved: number;
}

/** Where a reservation's spending and releasing go: its user's count, if the day has not changed since. */
interface Account {
  spend(n: number, fromReserve: number): void;
  release(n: number): void;
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
  spend(n = 1): void {
    if (n <= 0) return;
    const fromReserve = Math.min(n, this.left);
    this.left -= fromReserve;
    this.account?.spend(n, fromReserve);
  }

  /** Gives back what was not spent (idempotent); returns how many tokens that was. */
  release(): number {
    const left = this.left;
    this.left = 0;
    if (left > 0) this.account?.release(left);
    return left;
  }

  /** spend(spent), then release(). */
  settle(spent: number): number {
    this.spend(spent);
    return this.release();
  }
}

const count = (n: number) => n.toLocaleString('en-US');
const tokens = (n: number) => `${count(n)} token${n === 1 ? '' : 's'}`;

function untilMidnight(ms: number): string {
  const minutes = Math.ceil(ms / 60_000);
  return minutes >= 60 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min` : `${minutes} min`;
}

export class QuotaService {
  private readonly buckets = new Map<string, Bucket>();
  private readonly loading = new Map<string, Promise<void>>();

  constructor(
    private readonly db: Db,
    private readonly limits: DailyTokenLimits = DEFAULT_DAILY_TOKEN_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  limitOf(role: Role): number | null {
    return this.limits[role];
  }

  /**
   * Holds n tokens of the principal's quota for today, or throws quota/exceeded (429, with Retry-After at
   * the next UTC midnight when n fits in a day at all). API keys and the system are not counted: the
   * reservation they get does nothing.
   */
  async reserve(principal: Principal, n: number): Promise<Reservation> {
    if (principal.kind !== 'user') return new Reservation(null, n);
    const limit = this.limits[principal.role];
    const bucket = await this.bucket(principal.userId);
    if (limit !== null && bucket.used + bucket.reserved + n > limit) throw this.exceeded(principal.role, limit, bucket, n);
    bucket.reserved += n;
    return new Reservation(this.account(principal.userId, bucket.day), n);
  }

  /** Today's count for the principal (what the Bulk panel shows). */
  async usage(principal: Principal): Promise<TokenUsage> {
    const now = this.now();
    const day = Math.floor(now / DAY_MS);
    const limit = principal.kind === 'user' ? this.limits[principal.role] : null;
    const bucket = principal.kind === 'user' ? await this.bucket(principal.userId) : { day, used: 0, reserved: 0 };
    return {
      day: new Date(day * DAY_MS).toISOString().slice(0, 10),
      resetsAt: new Date((day + 1) * DAY_MS).toISOString(),
      used: bucket.used,
      reserved: bucket.reserved,
      limit,
      remaining: limit === null ? null : Math.max(0, limit - bucket.used - bucket.reserved),
    };
  }

  /** The user's bucket of today, its count read from the audit log the first time (one read however many ask at once). */
  private async bucket(userId: string): Promise<Bucket> {
    const day = Math.floor(this.now() / DAY_MS);
    for (;;) {
      const bucket = this.buckets.get(userId);
      if (bucket?.day === day) return bucket;
      const key = `${userId}\n${day}`;
      let loading = this.loading.get(key);
      if (!loading) {
        loading = this.mintedOn(userId, day).then(
          (used) => {
            this.loading.delete(key);
            if (this.buckets.get(userId)?.day !== day) this.buckets.set(userId, { day, used, reserved: 0 });
          },
          (err: unknown) => {
            this.loading.delete(key);
            throw err;
          },
        );
        this.loading.set(key, loading);
      }
      await loading;
    }
  }

  /**
   * A token is counted on the day it is minted: a reservation taken yesterday by a job still running after
   * midnight spends into today's count and gives back nothing to it.
   */
  private account(userId: string, day: number): Account {
    return {
      spend: (n, fromReserve) => {
        // A bucket of another day is not today's: today's is read from the audit log when first asked
        // for, and that read counts these tokens (their rows are written).
        const bucket = this.buckets.get(userId);
        if (bucket?.day !== Math.floor(this.now() / DAY_MS)) return;
        if (bucket.day === day) bucket.reserved -= fromReserve;
        bucket.used += n;
      },
      release: (n) => {
        const bucket = this.buckets.get(userId);
        if (bucket?.day === day) bucket.reserved -= n;
      },
    };
  }

  /** token.minted rows of the user that day, minted or in flight (a row left pending by a crash counts). */
  private async mintedOn(userId: string, day: number): Promise<number> {
    const row = await sqlOf(this.db).get<{ n: number | bigint }>(
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
