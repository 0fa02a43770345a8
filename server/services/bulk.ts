// Bulk minting: N tokens from a template or CSV rows, with progress, cancel and downloadable results.
// Limits (issue 13): a user runs at most a few jobs at once and mints within a daily quota; all jobs
// together make at most BULK_MAX_CONCURRENT_CALLS upstream calls at a time, so interactive mints and the
// console itself keep their latency. Jobs and their results live in the database (bulk-store.ts), so any
// replica shows, cancels and serves a job another one runs; this process runs its own jobs, kept to their
// owner's current rights and their provider's credential by bulk-supervisor.ts.
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { launchLink } from '../frame/launch-link.js';
import { bodyFromTemplate, BULK_MAX } from '../frame/bulk-template.js';
import { bodiesFromCsv } from './bulk-csv.js';
import type { TokenRequestBody } from '../frame/token-body.js';
import { DomainError } from '../errors.js';
import { afterCommit } from '../db/unit-of-work.js';
import type { Db } from '../db/client.js';
import type { MasterKey } from '../crypto/secret-box.js';
import { DEFAULT_BULK_CONCURRENCY, type BulkJobSummary, type BulkJobView, type QuotaView } from '../contract/bulk.js';
import type { MintService } from './mint.js';
import type { AuditService } from './audit.js';
import type { Metrics } from './metrics.js';
import type { ProviderService } from './providers.js';
import type { QuotaService } from './quota.js';
import { actorLabel, currentContext, type Principal } from '../auth/context.js';
import { CallLimiter } from './call-limiter.js';
import { DEFAULT_BULK_LIMITS, DEFAULT_BULK_RESULTS_RETENTION_MINUTES, type BulkLimits } from './bulk-limits.js';
import { resultsExpireAt, retentionText, summaryOf } from './bulk-retention.js';
import { bindingOf, isStarter, mintRefusal, seesEveryJob, type MinterStatus } from './bulk-access.js';
import { Job, runJob, viewOf } from './bulk-job.js';
import { batchingSink, resultStream } from './bulk-results.js';
import { BulkStore, type JobRecord } from './bulk-store.js';
import { BulkSupervisor } from './bulk-supervisor.js';
import { NO_LOG, type ServiceLog } from './service-log.js';

export { RECHECK_MS } from './bulk-supervisor.js';

export interface BulkRequest {
  count?: number | undefined;
  template?: TokenRequestBody | undefined;
  csv?: string | undefined;
  concurrency?: number | undefined;
  launchLink?: string | undefined;
  quitAndLogout?: boolean | undefined;
}

/** Jobs remembered for the list (their counts, not their tokens): the newest ones, so the table stays bounded. */
const MAX_JOBS_LISTED = 1000;
/** How often expired results and orphaned jobs are looked for when no request does it (reads look first anyway). */
const SWEEP_EVERY_MS = 5_000;
/** A running job whose process has not written its heartbeat for this long (real time) has lost its process. */
export const DEFAULT_RUNNER_TIMEOUT_MS = 15_000;

export interface BulkDeps {
  db: Db;
  /** Seal the result lines (they hold tokens). */
  keys: readonly MasterKey[];
  providers: ProviderService;
  mint: MintService;
  audit: AuditService;
  metrics: Metrics;
  quota: QuotaService;
  /** A user's status, role and grants as they are now (readUserStatus, user-status.ts). */
  userStatus: (userId: string) => Promise<MinterStatus | null>;
  /** Drops what another replica changed from this process's caches (server/db/generations.ts). */
  sync?: (() => Promise<void>) | undefined;
  /** Who this replica is, the same across its restarts (its data directory's): its earlier process's jobs end at start. */
  replicaId?: string | undefined;
  limits?: BulkLimits | undefined;
  /** How long a finished job's results are kept (BULK_RESULTS_RETENTION_MINUTES). */
  resultsRetentionMs?: number | undefined;
  /** After this long without a heartbeat a running job is marked failed (its process stopped). */
  runnerTimeoutMs?: number | undefined;
  now?: (() => number) | undefined;
  /** Where a failed job is told of: no request is waiting for it. */
  log?: ServiceLog | undefined;
}

export class BulkService {
  /** The jobs this process runs (their freshest counts); every job, with these, is in the store. */
  private readonly jobs = new Map<string, Job>();
  private readonly store: BulkStore;
  /** This process, as the runner of its jobs: its replica (stable across restarts) and this start. */
  private readonly runnerId: string;
  private readonly limiter: CallLimiter;
  private readonly limits: BulkLimits;
  private readonly now: () => number;
  private readonly supervisor: BulkSupervisor;
  private readonly retentionMs: number;
  private readonly runnerTimeoutMs: number;
  private readonly sweeper: ReturnType<typeof setInterval>;
  private sweeping: Promise<void> | null = null;
  private swept = { service: -Infinity, real: -Infinity };

  constructor(private readonly deps: BulkDeps) {
    this.store = new BulkStore(deps.db, deps.keys);
    this.runnerId = `${deps.replicaId ?? randomUUID()}:${randomUUID()}`;
    this.limits = deps.limits ?? DEFAULT_BULK_LIMITS;
    this.limiter = new CallLimiter(this.limits.maxConcurrentCalls);
    this.now = deps.now ?? Date.now;
    this.retentionMs = deps.resultsRetentionMs ?? DEFAULT_BULK_RESULTS_RETENTION_MINUTES * 60_000;
    this.runnerTimeoutMs = deps.runnerTimeoutMs ?? DEFAULT_RUNNER_TIMEOUT_MS;
    const { providers, audit, metrics, userStatus } = deps;
    this.supervisor = new BulkSupervisor({
      providers,
      audit,
      metrics,
      userStatus,
      limiter: this.limiter,
      now: this.now,
      log: deps.log ?? NO_LOG,
      progress: (job) => this.store.progress(job, Date.now()),
      sync: deps.sync ?? (() => Promise.resolve()),
    });
    // Deletes results whose time is up and ends jobs whose process stopped, even when nobody asks.
    this.sweeper = setInterval(
      () => void this.sweep({ always: true }).catch((err: unknown) => deps.log?.warn({ err }, 'bulk jobs: the sweep failed')),
      SWEEP_EVERY_MS,
    ).unref();
  }

  async start(providerId: string, req: BulkRequest): Promise<BulkJobView> {
    const { principal } = currentContext();
    if (principal.kind !== 'user') throw new DomainError('auth/forbidden', 'Bulk jobs are started by signed-in users.');
    const provider = await this.deps.providers.getRow(providerId);
    const rows = this.rowSource(req);
    const link = req.launchLink?.trim() ? launchLink(req.launchLink, 'x.y.z', false) : null;
    if (link && !link.ok) throw new DomainError('request/invalid', link.message, [{ field: 'launchLink', message: link.message }]);
    const audited = { action: 'bulk.started', providerId, target: provider.name };
    const id = randomUUID();
    const concurrency = req.concurrency ?? DEFAULT_BULK_CONCURRENCY;
    // The quota is taken first; then the running-job count is checked and the job inserted under its owner's
    // lock (on every replica), so two starts at the same moment cannot both take the last slot.
    let job: Job;
    try {
      const reservation = await this.deps.quota.reserve(principal, rows.total);
      job = new Job(
        id,
        { id: provider.id, name: provider.name, label: provider.description || provider.name },
        rows.total,
        concurrency,
        { id: principal.userId, email: principal.email },
        reservation,
        this.now(),
        bindingOf(provider),
      );
      try {
        await this.store.insert(job, this.runnerId, Date.now(), this.limits.maxRunningJobsPerUser, (running) => {
          throw this.tooManyJobs(running);
        });
      } catch (err) {
        await reservation.release();
        throw err;
      }
      this.jobs.set(id, job);
    } catch (err) {
      if (err instanceof DomainError)
        await this.deps.audit.record({ ...audited, outcome: err.code, detail: { total: rows.total, reason: err.message } });
      throw err;
    }
    try {
      await this.deps.audit.record({ ...audited, outcome: 'ok', detail: { jobId: id, total: rows.total, concurrency } });
    } catch (err) {
      // Not started: it ends failed at once, before any mint.
      this.jobs.delete(id);
      await job.reservation.release();
      job.stop('failed', 'Not started: its start could not be written to the audit log.');
      job.state = 'failed';
      job.finishedAt = this.now();
      await this.store.progress(job, Date.now()).catch(() => undefined);
      throw err;
    }
    const out = batchingSink((lines) => this.store.appendResults(id, lines));
    // The secret is opened once per job, not once per token; the re-checks stop the job when it is replaced.
    const secret = this.deps.mint.openSecretOf(provider.credentialSet);
    this.deps.metrics.bulkStarted();
    // Each token has its audit row, written before its upstream call like any other mint.
    const call = (body: TokenRequestBody) =>
      this.deps.mint.auditedCall(provider, body, { via: 'bulk', secret, detail: { jobId: id }, durable: false });
    const workers = runJob(job, {
      out,
      bodyAt: rows.body,
      call,
      limiter: this.limiter,
      mayGoOn: () => this.supervisor.mayGoOn(job),
      launchLinkBase: req.launchLink?.trim(),
      quitAndLogout: req.quitAndLogout ?? false,
    });
    // Once its end is recorded the store is the job's truth; this process forgets it.
    void this.supervisor.run(job, workers, out).finally(() => this.jobs.delete(id));
    return job.view(this.now());
  }

  private tooManyJobs(running: number): DomainError {
    const limit = this.limits.maxRunningJobsPerUser;
    return new DomainError(
      'bulk/too_many_jobs',
      `You have ${running} bulk jobs running, and may run at most ${limit} at a time: wait for one to finish, or cancel one.`,
    );
  }
  private rowSource(req: BulkRequest): { total: number; body: (i: number) => TokenRequestBody } {
    if (req.csv !== undefined) {
      const parsed = bodiesFromCsv(req.csv);
      if (!parsed.ok) throw new DomainError('request/invalid', parsed.issues.map((i) => i.message).join('; '), parsed.issues);
      return { total: parsed.bodies.length, body: (i) => parsed.bodies[i]! };
    }
    const count = req.count ?? 0;
    if (!Number.isInteger(count) || count < 1 || count > BULK_MAX) {
      throw new DomainError('request/invalid', `count must be 1 to ${BULK_MAX}, or give a CSV`, [
        { field: 'count', message: `1 to ${BULK_MAX}` },
      ]);
    }
    const template = req.template ?? {};
    return { total: count, body: (i) => bodyFromTemplate(template, i + 1) };
  }

  /** A job, if the principal may see it: its starter, or an audit reader. This process's own jobs are the freshest. */
  private async visible(id: string, principal: Principal): Promise<JobRecord> {
    await this.sweep();
    const job = this.jobs.get(id) ?? (await this.store.get(id));
    if (!job || !(isStarter(principal, job.owner.id) || seesEveryJob(principal)))
      throw new DomainError('bulk/not_found', `No bulk job has id ${id}.`);
    return job;
  }

  /**
   * The jobs the principal may see, newest first: their own, or everyone's for an audit reader. Whether
   * a download is offered follows the download's own rules (the starter only, while they may mint).
   */
  async list(principal: Principal, providerId?: string): Promise<BulkJobSummary[]> {
    await this.sweep();
    const owner = seesEveryJob(principal) ? null : principal.kind === 'user' ? principal.userId : undefined;
    if (owner === undefined) return [];
    const jobs = (await this.store.list(owner, providerId, MAX_JOBS_LISTED)).map((j) => this.jobs.get(j.id) ?? j);
    const status = principal.kind === 'user' ? await this.deps.userStatus(principal.userId) : null;
    return jobs.map((j) => summaryOf(j, principal, this.retentionMs, mintRefusal(status, j.provider.id)));
  }

  async get(id: string, principal: Principal): Promise<BulkJobView> {
    return viewOf(await this.visible(id, principal), this.now());
  }

  /**
   * Stops a running job (its starter, an owner or an admin), whichever replica runs it: the cancel is
   * written with its audit row, and the job's process stops it when it sees it (at once when it is this one,
   * within a second otherwise). What was minted stays downloadable by its starter.
   */
  async cancel(id: string, principal: Principal): Promise<BulkJobView> {
    const job = await this.visible(id, principal);
    const local = this.jobs.get(id);
    const wasRunning = job.state === 'running' && !local?.stopping && !local?.closing;
    const reason = `Cancelled by ${actorLabel(principal)}.`;
    await this.deps.audit.around(
      {
        action: 'bulk.cancelled',
        providerId: job.provider.id,
        target: job.provider.name,
        detail: { jobId: id, startedBy: job.owner.email, wasRunning },
      },
      // Asked for and stopped once its row is committed: a cancel that cannot be audited does not happen.
      async () => {
        if (!wasRunning) return;
        await this.store.requestCancel(id, reason);
        await afterCommit(() => {
          if (local) this.supervisor.stop(local, 'cancelled', reason);
        });
      },
      () => ({ done: job.done }),
    );
    const now = this.jobs.get(id) ?? (await this.store.get(id)) ?? job;
    return viewOf(now, this.now());
  }

  /**
   * The results as CSV or a JSON array, streamed from the store (partial after a stop), for the user who
   * started the job only, while they may still mint on its provider; every download has its audit row,
   * completed before the first byte is sent.
   */
  async results(id: string, format: 'csv' | 'json', principal: Principal): Promise<Readable> {
    const job = await this.visible(id, principal);
    return this.deps.audit.around(
      {
        action: 'bulk.results_downloaded',
        providerId: job.provider.id,
        target: job.provider.name,
        detail: { jobId: id, format, startedBy: job.owner.email },
      },
      async () => {
        if (!isStarter(principal, job.owner.id))
          throw new DomainError(
            'bulk/not_owner',
            `Only ${job.owner.email}, who started this job, can download its tokens; you can follow its progress and cancel it.`,
          );
        if (job.state === 'running') throw new DomainError('bulk/running', 'The job is still running: cancel it or wait for it to finish.');
        if (!job.resultsKept) throw this.expired(job);
        const refusal = mintRefusal(await this.deps.userStatus(job.owner.id), job.provider.id);
        if (refusal) throw new DomainError(refusal.code, `These tokens cannot be downloaded: ${job.owner.email} ${refusal.reason}.`);
        return resultStream(this.store.results(id), format);
      },
      () => ({ tokens: job.ok, rows: job.done }),
    );
  }

  /** Today's tokens and running jobs of the principal. */
  async quota(principal: Principal): Promise<QuotaView> {
    const { day, resetsAt, used, reserved, limit, remaining } = await this.deps.quota.usage(principal);
    const running = principal.kind === 'user' ? await this.store.runningCount(principal.userId) : 0;
    return { day, resetsAt, tokens: { used, reserved, limit, remaining }, jobs: { running, limit: this.limits.maxRunningJobsPerUser } };
  }

  private expired(job: JobRecord): DomainError {
    const at = new Date(resultsExpireAt(job, this.retentionMs) ?? this.now()).toISOString();
    return new DomainError(
      'bulk/expired',
      `The results of this job were deleted at ${at}: they are kept ${retentionText(this.retentionMs)} after a job ends ` +
        '(BULK_RESULTS_RETENTION_MINUTES). Its tokens were minted and stay valid until they expire; to get tokens again, start a new job.',
    );
  }

  /**
   * Deletes results whose retention has passed (service clock), ends running jobs whose process stopped
   * beating (real time: another replica, or this one before a restart) and forgets the oldest ended jobs
   * beyond the list's size. One sweep at a time, shared by whoever asks meanwhile.
   */
  private sweep(opts: { always?: boolean } = {}): Promise<void> {
    // Reads sweep at most once a second (of either clock): a page polling a job does not sweep each time.
    const now = this.now();
    if (!opts.always && now - this.swept.service < 1000 && Date.now() - this.swept.real < 1000) return this.sweeping ?? Promise.resolve();
    this.swept = { service: now, real: Date.now() };
    this.sweeping ??= (async () => {
      for (const id of await this.store.expireResults(now - this.retentionMs)) {
        const local = this.jobs.get(id);
        if (local) local.resultsKept = false;
      }
      await this.failOrphans(Date.now() - this.runnerTimeoutMs);
      await this.store.trim(MAX_JOBS_LISTED);
    })().finally(() => (this.sweeping = null));
    return this.sweeping;
  }

  /**
   * Ends running jobs whose process stopped beating before `before` (real time), and gives back the quota
   * they held and did not mint.
   */
  private async failOrphans(
    before: number,
    why = `no sign of it for ${Math.round(this.runnerTimeoutMs / 1000)} s`,
    runnerPrefix?: string,
  ): Promise<void> {
    const orphans = await this.store.failOrphans(
      before,
      this.now(),
      `Stopped: the console process running it stopped (${why}). The tokens in its results were minted and audited; the rest were not minted.`,
      runnerPrefix,
    );
    for (const job of orphans) {
      this.deps.log?.error({ jobId: job.id }, 'bulk job failed: the console process running it stopped');
      // What it held of its owner's quota and did not mint (as far as its last progress says) goes back.
      await this.deps.quota.releaseFor(job.owner.id, this.deps.quota.dayOf(job.startedAt), job.total - job.ok);
    }
  }

  /**
   * At start: a job still running that an earlier process of this replica ran (on SQLite, any: one process
   * owns the file) ends now; on a shared database other replicas' jobs are left to their heartbeats.
   */
  async recover(shared: boolean): Promise<void> {
    const restarted = 'the console was restarted';
    if (!shared) await this.failOrphans(Number.MAX_SAFE_INTEGER, restarted);
    else if (this.deps.replicaId) await this.failOrphans(Date.now() - this.runnerTimeoutMs, restarted, `${this.deps.replicaId}:`);
  }

  /** Stops running jobs (shutdown). */
  cancelAll(): void {
    clearInterval(this.sweeper);
    for (const job of this.jobs.values()) this.supervisor.stop(job, 'cancelled', 'Cancelled: the console is shutting down.');
  }
}
