// Keeps a running bulk job honest: while it runs, re-checks its owner's status, role and grant and its
// provider with its credential set, and stops it when one is gone or changed (it never signs with a replaced
// secret for long); stops it on request; closes it once its workers are done (its results file, its audit
// rows made durable, its quota settled) and logs a failed one. The job table and the API are BulkService's.
import { DomainError } from '../errors.js';
import type { BulkJobView } from '../contract/bulk.js';
import type { AuditService } from './audit.js';
import type { Metrics } from './metrics.js';
import type { ProviderRow, ProviderService } from './providers.js';
import { runInContext, type Principal } from '../auth/context.js';
import type { CallLimiter } from './call-limiter.js';
import { bindingChange, bindingOf, mintRefusal, type MinterStatus } from './bulk-access.js';
import type { Job, StopKind } from './bulk-job.js';
import { resultsFailed, type ResultSink } from './bulk-results.js';
import type { ServiceLog } from './service-log.js';

/** A running job looks at its owner's rights and its provider's credential again when the last look is this old (service clock). */
export const RECHECK_MS = 1000;

const SYSTEM: Principal = { kind: 'system', name: 'system' };

type FinalState = Exclude<BulkJobView['state'], 'running'>;

export interface SupervisorDeps {
  providers: ProviderService;
  audit: AuditService;
  metrics: Metrics;
  /** A user's status, role and grants as they are now (readUserStatus, user-status.ts). */
  userStatus: (userId: string) => Promise<MinterStatus | null>;
  /** The slots all jobs' calls share: a stopped job's waiting workers are sent away. */
  limiter: CallLimiter;
  now: () => number;
  /** Where a failed job is told of: no request is waiting for it. */
  log: ServiceLog;
  /** Writes the job's progress and heartbeat where every replica reads it; returns a cancel asked for elsewhere. */
  progress: (job: Job) => Promise<string | null>;
  /** Drops what another replica changed from this process's caches (the provider, before it is looked at). */
  sync: () => Promise<void>;
}

/** How often a running job writes its progress and heartbeat (real time: it says the process is alive). */
export const PROGRESS_MS = 1000;

export class BulkSupervisor {
  constructor(private readonly deps: SupervisorDeps) {}

  /** Waits for the workers, then closes the job: its file, its audit rows made durable, its quota settled. */
  async run(job: Job, workers: Promise<FinalState>, out: ResultSink): Promise<void> {
    // Even a job that mints nothing for a while (its workers waiting for slots) looks at its owner's rights
    // and its provider's credential.
    const watch = setInterval(() => void this.mayGoOn(job), RECHECK_MS).unref();
    // Its progress and heartbeat for the other replicas, and a cancel asked for on one of them.
    const beat = setInterval(() => void this.beat(job), PROGRESS_MS).unref();
    let final: FinalState = 'failed';
    let unexpected: unknown;
    try {
      final = await workers;
    } catch (err) {
      unexpected = err;
      job.noteFailure(0, 'internal/error', err instanceof Error ? err.message : String(err));
    } finally {
      job.closing = true;
      clearInterval(watch);
      clearInterval(beat);
      // The job is finished, for its viewers and its results download, only once its file is complete.
      await out.close();
      if (out.error && final !== 'failed') {
        // Its last lines (or the file's end) did not reach the disk: what can be downloaded is not all there is.
        final = 'failed';
        job.stopping = { kind: 'failed', reason: `Stopped: ${resultsFailed(out.error)}.` };
      }
      // Its tokens reach anyone only through the results download, which opens now: their audit rows,
      // committed without a sync of their own, are made durable first (one WAL sync for the whole job).
      try {
        await this.deps.audit.syncNow();
      } catch (err) {
        final = 'failed';
        job.noteFailure(
          0,
          'audit/unavailable',
          `The audit log could not be synced to disk: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
      await job.reservation
        .release()
        .catch((err: unknown) => this.deps.log.error({ err, jobId: job.id }, 'bulk job: its unused quota could not be given back'));
      job.finishedAt = this.deps.now();
      job.state = final;
      this.deps.metrics.bulkFinished(final);
      if (final === 'failed') this.logFailure(job, unexpected);
      // How it ended, for every replica; if this cannot be written, the job's stale heartbeat gets it marked
      // failed by another replica (bulk-store.ts failOrphans).
      await this.deps
        .progress(job)
        .catch((err: unknown) => this.deps.log.error({ err, jobId: job.id }, 'bulk job: its end could not be recorded'));
    }
  }

  /** Progress and heartbeat; a cancel asked for on another replica stops the job here. */
  private async beat(job: Job): Promise<void> {
    if (job.closing) return;
    try {
      const cancel = await this.deps.progress(job);
      if (cancel) this.stop(job, 'cancelled', cancel);
    } catch (err) {
      this.deps.log.warn({ err, jobId: job.id }, 'bulk job: its progress could not be recorded');
    }
  }

  /** One line per failed job: its id, provider, counts and why (job-level reasons only, never a row's token). */
  private logFailure(job: Job, err: unknown): void {
    const reasons = job.failures.filter((f) => f.row === 0).map((f) => `${f.error}: ${f.message}`);
    this.deps.log.error(
      {
        ...(err !== undefined ? { err } : {}),
        jobId: job.id,
        providerId: job.provider.id,
        total: job.total,
        done: job.done,
        ok: job.ok,
        stopReason: job.stopping?.reason ?? null,
        reasons,
      },
      'bulk job failed',
    );
  }

  /** Stops the job (the first reason wins); returns whether this call stopped it. */
  stop(job: Job, kind: StopKind, reason: string): boolean {
    const stopped = job.stop(kind, reason);
    // Workers waiting for a slot leave now instead of when their turn comes.
    if (stopped) this.deps.limiter.drop(job.id);
    return stopped;
  }

  /**
   * Whether the job may make its next call. Its owner's status, role and grant, and its provider with its
   * credential set, are looked at again when the last look is RECHECK_MS old; every worker waits for the
   * same look, and none calls after one that found a right gone or the credential changed. A look that
   * fails stops the job too (fail closed).
   */
  async mayGoOn(job: Job): Promise<boolean> {
    if (job.stopping || job.closing) return false;
    if (this.deps.now() - job.checkedAt < RECHECK_MS) return true;
    job.checking ??= this.recheck(job).finally(() => (job.checking = null));
    await job.checking;
    return !job.stopping;
  }

  private async recheck(job: Job): Promise<void> {
    const at = this.deps.now();
    let reason: string | null;
    try {
      reason = await this.stopReason(job);
    } catch (err) {
      this.stop(
        job,
        'failed',
        `Stopped: its owner's rights and its provider's credential could not be checked (${err instanceof Error ? err.message : String(err)}).`,
      );
      return;
    }
    if (!reason) {
      job.checkedAt = at;
      return;
    }
    if (!this.stop(job, 'revoked', `Stopped: ${reason}.`)) return;
    // The console stopped it, not a person: the row is the system's. The tokens minted so far keep theirs.
    await runInContext({ principal: SYSTEM, requestId: null, ip: null }, () =>
      this.deps.audit.record({
        action: 'bulk.revoked',
        providerId: job.provider.id,
        target: job.provider.name,
        outcome: 'ok',
        detail: { jobId: job.id, startedBy: job.owner.email, reason, done: job.done },
      }),
    ).catch((err: unknown) =>
      job.noteFailure(
        0,
        'audit/unavailable',
        `The stop could not be written to the audit log: ${err instanceof Error ? err.message : String(err)}`,
      ),
    );
  }

  /**
   * Why the job may not make another call, or null: its provider gone or its credential changed since the
   * job opened the secret (it signs with that secret, for that URI), then its owner's rights.
   */
  private async stopReason(job: Job): Promise<string | null> {
    await this.deps.sync();
    const [row, user] = await Promise.all([this.currentRow(job.provider.id), this.deps.userStatus(job.owner.id)]);
    const changed = bindingChange(job.binding, row && bindingOf(row));
    if (changed) return changed;
    const refusal = mintRefusal(user, job.provider.id);
    return refusal && `${job.owner.email} ${refusal.reason}`;
  }

  /** The provider as it is now (cached until the next write to providers or credential sets), or null if deleted. */
  private async currentRow(providerId: string): Promise<ProviderRow | null> {
    try {
      return await this.deps.providers.getRow(providerId);
    } catch (err) {
      if (err instanceof DomainError && err.code === 'provider/not_found') return null;
      throw err;
    }
  }
}
