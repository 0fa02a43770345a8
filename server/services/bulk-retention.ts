// How long a bulk job's results are kept, and a job as the list of past jobs shows it to one viewer. Pure:
// the service gives the clock and the viewer's minting rights.
import type { BulkJobSummary } from '../contract/bulk.js';
import type { Principal } from '../auth/context.js';
import type { JobRecord as Job } from './bulk-store.js';
import { isStarter, type Refusal } from './bulk-access.js';

/** When a job's results are deleted: the retention after it ended; null while it runs. */
export function resultsExpireAt(job: Job, retentionMs: number): number | null {
  return job.finishedAt === null ? null : job.finishedAt + retentionMs;
}

/** Whether the results should be deleted now. */
export function resultsDue(job: Job, retentionMs: number, now: number): boolean {
  const at = resultsExpireAt(job, retentionMs);
  return job.resultsKept && at !== null && at <= now;
}

/** "60 minutes", "1 minute": the retention as a message says it. */
export function retentionText(retentionMs: number): string {
  const minutes = Math.round(retentionMs / 60_000);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

/**
 * The job for the list. `refusal` is why the viewer may not mint on the job's provider now (null: they may):
 * the download checks the same, so the list offers a download only where it would be served.
 */
export function summaryOf(job: Job, viewer: Principal, retentionMs: number, refusal: Refusal | null): BulkJobSummary {
  const expiresAt = resultsExpireAt(job, retentionMs);
  return {
    id: job.id,
    providerId: job.provider.id,
    providerName: job.provider.label,
    startedBy: job.owner.email,
    startedAt: new Date(job.startedAt).toISOString(),
    finishedAt: job.finishedAt === null ? null : new Date(job.finishedAt).toISOString(),
    state: job.state,
    total: job.total,
    done: job.done,
    ok: job.ok,
    failed: job.failed,
    results: {
      kept: job.resultsKept,
      expiresAt: expiresAt === null ? null : new Date(expiresAt).toISOString(),
      downloadable: job.resultsKept && job.state !== 'running' && isStarter(viewer, job.owner.id) && refusal === null,
    },
  };
}
