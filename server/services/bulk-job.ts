// One bulk job as the process running it holds it: its counters and view, and the workers that mint its
// rows. Results go to a sink as they come (bulk-results.ts), so memory stays flat however large the job is;
// other replicas see the job through the database (bulk-store.ts).
import { launchLink } from '../frame/launch-link.js';
import { validateTokenBody, type TokenRequestBody } from '../frame/token-body.js';
import { DomainError } from '../errors.js';
import type { BulkJobView } from '../contract/bulk.js';
import type { AuditedMint } from './mint.js';
import type { CallLimiter } from './call-limiter.js';
import type { Reservation } from './quota.js';
import type { MintBinding } from './bulk-access.js';
import { resultsFailed, type ResultSink } from './bulk-results.js';
import type { JobRecord } from './bulk-store.js';

export interface ResultLine {
  row: number;
  ok: boolean;
  token?: string;
  exp?: number;
  sub?: string;
  email?: string;
  jti?: string;
  launchLink?: string;
  error?: string;
  message?: string;
}

export type StopKind = 'cancelled' | 'revoked' | 'failed';

const MAX_FAILURES_KEPT = 200;

export class Job implements JobRecord {
  state: BulkJobView['state'] = 'running';
  done = 0;
  ok = 0;
  failed = 0;
  readonly failures: BulkJobView['failures'] = [];
  finishedAt: number | null = null;
  /** False once its results file was deleted (the retention passed): the job stays listed, its tokens are gone. */
  resultsKept = true;
  /** Why the job is stopping early, once it is. */
  stopping: { kind: StopKind; reason: string } | null = null;
  /** When the owner's rights and the provider's credential were last found good (service clock). */
  checkedAt: number;
  /** The check in progress, shared by every worker that needs it. */
  checking: Promise<void> | null = null;
  /** Set once the workers are done: a check finishing late no longer changes how the job ended. */
  closing = false;

  constructor(
    readonly id: string,
    /** label: how the console shows it (its description, else its Frame name), for the list of jobs. */
    readonly provider: { id: string; name: string; label: string },
    readonly total: number,
    readonly concurrency: number,
    /** Who started it: only they get its tokens; they, owners and admins see it. */
    readonly owner: { id: string; email: string },
    readonly reservation: Reservation,
    readonly startedAt: number,
    /** The provider and credential its secret was opened for: the job stops when they change. */
    readonly binding: MintBinding,
  ) {
    this.checkedAt = startedAt;
  }

  /** The first reason to stop wins; returns whether this call stopped the job. */
  stop(kind: StopKind, reason: string): boolean {
    if (this.stopping || this.closing) return false;
    this.stopping = { kind, reason };
    return true;
  }

  get stopReason(): string | null {
    return this.stopping?.reason ?? null;
  }

  noteFailure(row: number, error: string, message: string): void {
    if (this.failures.length < MAX_FAILURES_KEPT) this.failures.push({ row, error, message });
  }

  view(now: number): BulkJobView {
    return viewOf(this, now);
  }
}

/** A job as the API shows it, from the runner's Job or from its row on another replica. */
export function viewOf(job: JobRecord, now: number): BulkJobView {
  const elapsed = ((job.finishedAt ?? now) - job.startedAt) / 1000;
  const rate = elapsed > 0 ? job.done / elapsed : 0;
  return {
    id: job.id,
    providerId: job.provider.id,
    state: job.state,
    total: job.total,
    done: job.done,
    ok: job.ok,
    failed: job.failed,
    concurrency: job.concurrency,
    startedBy: job.owner.email,
    startedAt: new Date(job.startedAt).toISOString(),
    finishedAt: job.finishedAt ? new Date(job.finishedAt).toISOString() : null,
    ratePerSecond: Math.round(rate * 10) / 10,
    etaSeconds: job.state === 'running' && rate > 0 ? Math.ceil((job.total - job.done) / rate) : null,
    stopReason: job.stopReason,
    failures: job.failures,
  };
}

export interface RunContext {
  out: ResultSink;
  bodyAt: (i: number) => TokenRequestBody;
  /** One audited mint. */
  call: (body: TokenRequestBody) => Promise<AuditedMint>;
  limiter: CallLimiter;
  /** Whether the job may make its next call: its owner's rights and its provider's credential, re-checked when the last check is a second old. */
  mayGoOn: () => Promise<boolean>;
  launchLinkBase: string | undefined;
  quitAndLogout: boolean;
}

/**
 * Mints every row with the job's workers, each call under a slot of the global limiter, until the rows run
 * out or the job is stopped. Resolves with the state the job ends in.
 */
export async function runJob(job: Job, ctx: RunContext): Promise<Exclude<BulkJobView['state'], 'running'>> {
  let next = 0;
  const write = async (line: ResultLine) => {
    try {
      await ctx.out.write(line);
    } catch (err) {
      // The results cannot be stored: minting on would give tokens no one can download.
      job.stop('failed', `Stopped: ${resultsFailed(err instanceof Error ? err : new Error(String(err)))}.`);
    }
  };
  const fail = async (row: number, error: string, message: string) => {
    job.failed++;
    job.noteFailure(row, error, message);
    await write({ row, ok: false, error, message });
  };
  const minted = async (row: number, result: AuditedMint) => {
    const { outcome } = result;
    if (outcome.kind !== 'ok') return fail(row, result.code, outcome.message);
    job.ok++;
    await job.reservation.spend(1);
    const claims = result.decoded?.claims ?? {};
    const link = ctx.launchLinkBase ? launchLink(ctx.launchLinkBase, outcome.token, ctx.quitAndLogout) : null;
    await write({
      row,
      ok: true,
      token: outcome.token,
      ...(typeof claims.exp === 'number' ? { exp: claims.exp } : {}),
      ...(typeof claims.sub === 'string' ? { sub: claims.sub } : {}),
      ...(typeof claims.email === 'string' ? { email: claims.email } : {}),
      ...(typeof claims.jti === 'string' ? { jti: claims.jti } : {}),
      ...(link?.ok ? { launchLink: link.url } : {}),
    });
  };

  const worker = async () => {
    while (!job.stopping && next < job.total) {
      const row = ++next;
      const body = ctx.bodyAt(row - 1);
      const check = validateTokenBody(body);
      if (!check.ok) {
        await fail(row, 'request/invalid', check.issues.map((x) => x.message).join('; '));
        job.done++;
        continue;
      }
      const release = await ctx.limiter.acquire(job.id);
      if (!release) return;
      let result: AuditedMint;
      try {
        // Right before the call, so no mint is begun after a check that found a right or the credential gone.
        if (!(await ctx.mayGoOn())) return;
        result = await ctx.call(body);
      } catch (err) {
        // No audit row, no mint: the job stops here, failing closed.
        const message = err instanceof Error ? err.message : String(err);
        job.stop('failed', `Stopped: a mint could not be made under its audit row (${message}).`);
        await fail(row, err instanceof DomainError ? err.code : 'internal/error', message);
        job.done++;
        return;
      } finally {
        release();
      }
      await minted(row, result);
      job.done++;
    }
  };

  await Promise.all(Array.from({ length: Math.min(job.concurrency, job.total) }, worker));
  return job.stopping?.kind ?? 'done';
}
