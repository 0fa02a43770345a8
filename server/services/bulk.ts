// Bulk minting: N tokens from a template or CSV rows, with progress, cancel and downloadable results.
// Limits (issue 13): a user runs at most a few jobs at once and mints within a daily quota; all jobs
// together make at most BULK_MAX_CONCURRENT_CALLS upstream calls at a time, so interactive mints and the
// console itself keep their latency. This is the API and the job table; a running job is kept to its
// owner's current rights and its provider's credential by bulk-supervisor.ts.
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { launchLink } from '../frame/launch-link.js';
import { bodyFromTemplate, BULK_MAX } from '../frame/bulk-template.js';
import { bodiesFromCsv } from './bulk-csv.js';
import type { TokenRequestBody } from '../frame/token-body.js';
import { DomainError } from '../errors.js';
import { afterCommit } from '../db/unit-of-work.js';
import { DEFAULT_BULK_CONCURRENCY, type BulkJobSummary, type BulkJobView, type QuotaView } from '../contract/bulk.js';
import type { MintService } from './mint.js';
import type { AuditService } from './audit.js';
import type { Metrics } from './metrics.js';
import type { ProviderService } from './providers.js';
import type { QuotaService } from './quota.js';
import { actorLabel, currentContext, type Principal } from '../auth/context.js';
import { CallLimiter } from './call-limiter.js';
import { DEFAULT_BULK_LIMITS, DEFAULT_BULK_RESULTS_RETENTION_MINUTES, type BulkLimits } from './bulk-limits.js';
import { resultsDue, resultsExpireAt, retentionText, summaryOf } from './bulk-retention.js';
import { bindingOf, isStarter, mintRefusal, seesEveryJob, type MinterStatus } from './bulk-access.js';
import { Job, runJob } from './bulk-job.js';
import { openResultFile, resultSink, resultStream } from './bulk-results.js';
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

/**
 * Jobs remembered for the list (their counts, not their tokens): the newest ones, so a console that runs for
 * months keeps a bounded table. A restart forgets them all, as it deletes every results file.
 */
const MAX_JOBS_LISTED = 1000;
/** How often expired results are looked for when no request does it (reads sweep first anyway). */
const SWEEP_EVERY_MS = 60_000;

export interface BulkDeps {
  providers: ProviderService;
  mint: MintService;
  audit: AuditService;
  metrics: Metrics;
  quota: QuotaService;
  /** A user's status, role and grants as they are now (readUserStatus, user-status.ts). */
  userStatus: (userId: string) => Promise<MinterStatus | null>;
  dataDir: string;
  limits?: BulkLimits | undefined;
  /** How long a finished job's results are kept (BULK_RESULTS_RETENTION_MINUTES). */
  resultsRetentionMs?: number | undefined;
  now?: (() => number) | undefined;
  /** Where a failed job is told of: no request is waiting for it. */
  log?: ServiceLog | undefined;
  /** Opens a job's results file (tests give a stream that fails like a full disk). */
  openResults?: ((file: string) => Writable) | undefined;
}

export class BulkService {
  private readonly jobs = new Map<string, Job>();
  private readonly dir: string;
  private readonly limiter: CallLimiter;
  private readonly limits: BulkLimits;
  private readonly now: () => number;
  private readonly supervisor: BulkSupervisor;
  private readonly retentionMs: number;
  private readonly sweeper: ReturnType<typeof setInterval>;

  constructor(private readonly deps: BulkDeps) {
    this.dir = join(deps.dataDir, 'bulk');
    this.limits = deps.limits ?? DEFAULT_BULK_LIMITS;
    this.limiter = new CallLimiter(this.limits.maxConcurrentCalls);
    this.now = deps.now ?? Date.now;
    this.retentionMs = deps.resultsRetentionMs ?? DEFAULT_BULK_RESULTS_RETENTION_MINUTES * 60_000;
    const { providers, audit, metrics, userStatus } = deps;
    this.supervisor = new BulkSupervisor({
      providers,
      audit,
      metrics,
      userStatus,
      limiter: this.limiter,
      now: this.now,
      log: deps.log ?? NO_LOG,
    });
    // Results of an earlier run hold tokens; they are not kept across restarts.
    rmSync(this.dir, { recursive: true, force: true });
    // Deletes results whose time is up even when nobody asks; on the service's clock, so tests move it.
    this.sweeper = setInterval(() => this.sweep(), SWEEP_EVERY_MS).unref();
  }

  async start(providerId: string, req: BulkRequest): Promise<BulkJobView> {
    const { principal } = currentContext();
    if (principal.kind !== 'user') throw new DomainError('auth/forbidden', 'Bulk jobs are started by signed-in users.');
    const provider = await this.deps.providers.getRow(providerId);
    const rows = this.rowSource(req);
    const link = req.launchLink?.trim() ? launchLink(req.launchLink, 'x.y.z', false) : null;
    if (link && !link.ok) throw new DomainError('request/invalid', link.message, [{ field: 'launchLink', message: link.message }]);
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const audited = { action: 'bulk.started', providerId, target: provider.name };
    const id = randomUUID();
    const concurrency = req.concurrency ?? DEFAULT_BULK_CONCURRENCY;
    // The quota is taken first; then the running-job count is checked and the job registered in one
    // synchronous step, so two starts at the same moment cannot both take the last slot.
    let job: Job;
    try {
      const reservation = await this.deps.quota.reserve(principal, rows.total);
      try {
        this.checkRunningJobs(principal.userId);
      } catch (err) {
        reservation.release();
        throw err;
      }
      job = new Job(
        id,
        { id: provider.id, name: provider.name, label: provider.description || provider.name },
        rows.total,
        concurrency,
        join(this.dir, `${id}.ndjson`),
        { id: principal.userId, email: principal.email },
        reservation,
        this.now(),
        bindingOf(provider),
      );
      this.jobs.set(id, job);
    } catch (err) {
      if (err instanceof DomainError)
        await this.deps.audit.record({ ...audited, outcome: err.code, detail: { total: rows.total, reason: err.message } });
      throw err;
    }
    try {
      await this.deps.audit.record({ ...audited, outcome: 'ok', detail: { jobId: id, total: rows.total, concurrency } });
    } catch (err) {
      this.jobs.delete(id);
      job.reservation.release();
      throw err;
    }
    const out = resultSink((this.deps.openResults ?? openResultFile)(job.file));
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
    // A finished job's results are kept for the retention (sweep), its line in the list longer.
    void this.supervisor.run(job, workers, out);
    return job.view(this.now());
  }

  private checkRunningJobs(userId: string): void {
    const running = [...this.jobs.values()].filter((j) => j.owner.id === userId && j.state === 'running').length;
    const limit = this.limits.maxRunningJobsPerUser;
    if (running >= limit) {
      throw new DomainError(
        'bulk/too_many_jobs',
        `You have ${running} bulk jobs running, and may run at most ${limit} at a time: wait for one to finish, or cancel one.`,
      );
    }
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

  /** A job, if the principal may see it: its starter, or an audit reader. */
  private visible(id: string, principal: Principal): Job {
    this.sweep();
    const job = this.jobs.get(id);
    if (!job || !(isStarter(principal, job.owner.id) || seesEveryJob(principal)))
      throw new DomainError('bulk/not_found', `No bulk job has id ${id} (jobs are forgotten when the console restarts).`);
    return job;
  }

  /**
   * The jobs the principal may see, newest first: their own, or everyone's for an audit reader. Whether
   * a download is offered follows the download's own rules (the starter only, while they may mint).
   */
  async list(principal: Principal, providerId?: string): Promise<BulkJobSummary[]> {
    this.sweep();
    const jobs = [...this.jobs.values()]
      .filter((j) => isStarter(principal, j.owner.id) || seesEveryJob(principal))
      .filter((j) => providerId === undefined || j.provider.id === providerId)
      .reverse();
    const status = principal.kind === 'user' ? await this.deps.userStatus(principal.userId) : null;
    return jobs.map((j) => summaryOf(j, principal, this.retentionMs, mintRefusal(status, j.provider.id)));
  }

  get(id: string, principal: Principal): BulkJobView {
    return this.visible(id, principal).view(this.now());
  }

  /** Stops a running job (its starter, an owner or an admin); what was minted stays downloadable by its starter. */
  async cancel(id: string, principal: Principal): Promise<BulkJobView> {
    const job = this.visible(id, principal);
    const wasRunning = !job.stopping && !job.closing;
    await this.deps.audit.around(
      {
        action: 'bulk.cancelled',
        providerId: job.provider.id,
        target: job.provider.name,
        detail: { jobId: id, startedBy: job.owner.email, wasRunning },
      },
      // Stopped once its row is committed: a cancel that cannot be audited does not happen.
      () =>
        afterCommit(() => {
          if (wasRunning) this.supervisor.stop(job, 'cancelled', `Cancelled by ${actorLabel(principal)}.`);
        }),
      () => ({ done: job.done }),
    );
    return job.view(this.now());
  }

  /**
   * The results as CSV or a JSON array, streamed from the job's file (partial after a stop), for the user
   * who started the job only, while they may still mint on its provider; every download has its audit row,
   * completed before the first byte is sent.
   */
  async results(id: string, format: 'csv' | 'json', principal: Principal): Promise<Readable> {
    const job = this.visible(id, principal);
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
        return resultStream(job.file, format);
      },
      () => ({ tokens: job.ok, rows: job.done }),
    );
  }

  /** Today's tokens and running jobs of the principal. */
  async quota(principal: Principal): Promise<QuotaView> {
    const { day, resetsAt, used, reserved, limit, remaining } = await this.deps.quota.usage(principal);
    const running =
      principal.kind === 'user'
        ? [...this.jobs.values()].filter((j) => j.owner.id === principal.userId && j.state === 'running').length
        : 0;
    return { day, resetsAt, tokens: { used, reserved, limit, remaining }, jobs: { running, limit: this.limits.maxRunningJobsPerUser } };
  }

  private expired(job: Job): DomainError {
    const at = new Date(resultsExpireAt(job, this.retentionMs) ?? this.now()).toISOString();
    return new DomainError(
      'bulk/expired',
      `The results of this job were deleted at ${at}: they are kept ${retentionText(this.retentionMs)} after a job ends ` +
        '(BULK_RESULTS_RETENTION_MINUTES). Its tokens were minted and stay valid until they expire; to get tokens again, start a new job.',
    );
  }

  /** Deletes results whose retention has passed, and forgets the oldest ended jobs beyond the list's size. */
  private sweep(): void {
    const now = this.now();
    for (const job of this.jobs.values()) {
      if (!resultsDue(job, this.retentionMs, now)) continue;
      rmSync(job.file, { force: true });
      job.resultsKept = false;
    }
    let extra = this.jobs.size - MAX_JOBS_LISTED;
    // The map is in start order: the oldest ended jobs go first; running ones are never forgotten.
    for (const job of this.jobs.values()) {
      if (extra <= 0) break;
      if (job.state === 'running') continue;
      rmSync(job.file, { force: true });
      this.jobs.delete(job.id);
      extra--;
    }
  }

  /** Stops running jobs (shutdown). */
  cancelAll(): void {
    clearInterval(this.sweeper);
    for (const job of this.jobs.values()) this.supervisor.stop(job, 'cancelled', 'Cancelled: the console is shutting down.');
  }
}
