// The limits on minting in volume, with their defaults (server/config.ts reads the overrides from the
// environment). Kept apart from the services so the configuration loads without them.
import type { Role } from '../contract/permissions.js';

/** Tokens per UTC day for each role; null is no limit. */
export type DailyTokenLimits = Readonly<Record<Role, number | null>>;

/**
 * The 10,000-token bulk job is the unit: support (granted providers only) may mint two full jobs a day,
 * an admin five, an owner ten. Far above what a person mints by hand, far below the 52,000 tokens in 25 s a
 * support session minted before there was a limit. Viewers do not mint.
 */
export const DEFAULT_DAILY_TOKEN_LIMITS: DailyTokenLimits = { owner: 100_000, admin: 50_000, support: 20_000, viewer: 0 };

export interface BulkLimits {
  /** Jobs one user may have running at once. */
  maxRunningJobsPerUser: number;
  /** Upstream calls in flight for all bulk jobs together. */
  maxConcurrentCalls: number;
}

/**
 * Two jobs per user: one running while the next is set up, not ten at once. 16 calls for all jobs: one job
 * at its default concurrency (8) runs at full speed and two share, while the event loop, the audit log's
 * writes and (on the built-in emulator) the token signing keep time for interactive requests.
 */
export const DEFAULT_BULK_LIMITS: BulkLimits = { maxRunningJobsPerUser: 2, maxConcurrentCalls: 16 };

/**
 * A finished job's results are bearer tokens on disk: kept an hour after the job ends, long enough to
 * download them again after a reload or on another device, short enough that they do not pile up.
 */
export const DEFAULT_BULK_RESULTS_RETENTION_MINUTES = 60;
