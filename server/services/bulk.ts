// Bulk minting: N tokens from a template or CSV rows, with a concurrency limit, progress, cancel and
// results streamed to a file (NDJSON, mode 0600) so memory stays flat however large N is.
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, rmSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { launchLink } from '../frame/launch-link.js';
import { bodiesFromCsv, bodyFromTemplate, BULK_MAX } from '../frame/bulk-template.js';
import { validateTokenBody, type TokenRequestBody } from '../frame/token-body.js';
import { AppError } from '../http/errors.js';
import type { BulkJobView } from '../api-types.js';
import type { AuditedMint, MintService } from './mint.js';
import type { AuditService } from './audit.js';
import type { Metrics } from './metrics.js';
import { actorLabel, currentContext } from '../auth/context.js';
import type { ProviderService } from './providers.js';

export interface BulkRequest {
  count?: number | undefined;
  template?: TokenRequestBody | undefined;
  csv?: string | undefined;
  concurrency?: number | undefined;
  launchLink?: string | undefined;
  quitAndLogout?: boolean | undefined;
}

interface ResultLine {
  row: number;
  ok: boolean;
  token?: string;
  exp?: number;
  sub?: string;
  jti?: string;
  launchLink?: string;
  error?: string;
  message?: string;
}

const MAX_FAILURES_KEPT = 200;
const KEEP_FINISHED_MS = 60 * 60 * 1000;
export const DEFAULT_BULK_CONCURRENCY = 8;
export const MAX_BULK_CONCURRENCY = 32;

class Job {
  state: BulkJobView['state'] = 'running';
  done = 0;
  ok = 0;
  failed = 0;
  readonly failures: BulkJobView['failures'] = [];
  readonly startedAt = Date.now();
  finishedAt: number | null = null;
  cancelled = false;

  constructor(
    readonly id: string,
    readonly providerId: string,
    readonly total: number,
    readonly concurrency: number,
    readonly file: string,
    /** Who started it (actor label); only they, owners and admins see it. */
    readonly owner: string,
  ) {}

  view(): BulkJobView {
    const elapsed = ((this.finishedAt ?? Date.now()) - this.startedAt) / 1000;
    const rate = elapsed > 0 ? this.done / elapsed : 0;
    return {
      id: this.id,
      providerId: this.providerId,
      state: this.state,
      total: this.total,
      done: this.done,
      ok: this.ok,
      failed: this.failed,
      concurrency: this.concurrency,
      startedAt: new Date(this.startedAt).toISOString(),
      finishedAt: this.finishedAt ? new Date(this.finishedAt).toISOString() : null,
      ratePerSecond: Math.round(rate * 10) / 10,
      etaSeconds: this.state === 'running' && rate > 0 ? Math.ceil((this.total - this.done) / rate) : null,
      failures: this.failures,
    };
  }
}

export class BulkService {
  private readonly jobs = new Map<string, Job>();
  private readonly dir: string;

  constructor(
    private readonly providers: ProviderService,
    private readonly mint: MintService,
    private readonly audit: AuditService,
    private readonly metrics: Metrics,
    dataDir: string,
  ) {
    this.dir = join(dataDir, 'bulk');
    // Results of an earlier run hold tokens; they are not kept across restarts.
    rmSync(this.dir, { recursive: true, force: true });
  }

  async start(providerId: string, req: BulkRequest): Promise<BulkJobView> {
    const provider = await this.providers.getRow(providerId);
    const bodyAt = this.rowSource(req);
    const link = req.launchLink?.trim() ? launchLink(req.launchLink, 'x.y.z', false) : null;
    if (link && !link.ok) throw new AppError('request/invalid', link.message, [{ field: 'launchLink', message: link.message }]);
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const id = randomUUID();
    const owner = actorLabel(currentContext().principal);
    const job = new Job(id, providerId, bodyAt.total, req.concurrency ?? DEFAULT_BULK_CONCURRENCY, join(this.dir, `${id}.ndjson`), owner);
    await this.audit.record({ action: 'bulk.started', providerId, target: provider.name, outcome: 'ok', detail: { jobId: id, total: bodyAt.total, concurrency: job.concurrency } });
    this.jobs.set(id, job);
    const out = createWriteStream(job.file, { mode: 0o600 });
    // The secret is opened once per job, not once per token.
    const secret = this.mint.openSecretOf(provider.credentialSet);
    // Each token has its audit row, written before its upstream call like any other mint.
    const call = (body: TokenRequestBody) => this.mint.auditedCall(provider, body, { via: 'bulk', secret, detail: { jobId: id }, durable: false });
    this.metrics.bulkStarted();
    void this.run(job, out, bodyAt.body, call, req);
    return job.view();
  }

  private rowSource(req: BulkRequest): { total: number; body: (i: number) => TokenRequestBody } {
    if (req.csv !== undefined) {
      const parsed = bodiesFromCsv(req.csv);
      if (!parsed.ok) throw new AppError('request/invalid', parsed.issues.map((i) => i.message).join('; '), parsed.issues);
      return { total: parsed.bodies.length, body: (i) => parsed.bodies[i]! };
    }
    const count = req.count ?? 0;
    if (!Number.isInteger(count) || count < 1 || count > BULK_MAX) {
      throw new AppError('request/invalid', `count must be 1 to ${BULK_MAX}, or give a CSV`, [{ field: 'count', message: `1 to ${BULK_MAX}` }]);
    }
    const template = req.template ?? {};
    return { total: count, body: (i) => bodyFromTemplate(template, i + 1) };
  }

  private async run(job: Job, out: WriteStream, bodyAt: (i: number) => TokenRequestBody, call: (body: TokenRequestBody) => Promise<AuditedMint>, req: BulkRequest): Promise<void> {
    let next = 0;
    const linkBase = req.launchLink?.trim();
    // Workers share one wait for 'drain' instead of each adding a listener.
    let drained: Promise<unknown> | null = null;
    const write = async (line: ResultLine) => {
      if (!out.write(`${JSON.stringify(line)}\n`)) drained ??= once(out, 'drain').finally(() => (drained = null));
      if (drained) await drained;
    };
    const fail = async (row: number, error: string, message: string) => {
      job.failed++;
      if (job.failures.length < MAX_FAILURES_KEPT) job.failures.push({ row, error, message });
      await write({ row, ok: false, error, message });
    };
    const worker = async () => {
      while (!job.cancelled && next < job.total) {
        const i = next++;
        const row = i + 1;
        const body = bodyAt(i);
        const check = validateTokenBody(body);
        if (!check.ok) await fail(row, 'request/invalid', check.issues.map((x) => x.message).join('; '));
        else {
          let minted: AuditedMint;
          try {
            minted = await call(body);
          } catch (err) {
            // No audit row, no mint: the job stops here, failing closed.
            job.cancelled = true;
            await fail(row, err instanceof AppError ? err.code : 'internal/error', err instanceof Error ? err.message : String(err));
            job.done++;
            continue;
          }
          const { outcome } = minted;
          if (outcome.kind === 'ok') {
            const claims = minted.decoded?.claims ?? {};
            const link = linkBase ? launchLink(linkBase, outcome.token, req.quitAndLogout ?? false) : null;
            job.ok++;
            await write({
              row,
              ok: true,
              token: outcome.token,
              ...(typeof claims.exp === 'number' ? { exp: claims.exp } : {}),
              ...(typeof claims.sub === 'string' ? { sub: claims.sub } : {}),
              ...(typeof claims.jti === 'string' ? { jti: claims.jti } : {}),
              ...(link?.ok ? { launchLink: link.url } : {}),
            });
          } else await fail(row, minted.code, outcome.message);
        }
        job.done++;
      }
    };
    let final: BulkJobView['state'] = 'failed';
    try {
      await Promise.all(Array.from({ length: Math.min(job.concurrency, job.total) }, worker));
      final = job.cancelled ? 'cancelled' : 'done';
    } catch {
      final = 'failed';
    } finally {
      // The job is finished, for its viewers and its results download, only once its file is complete.
      out.end();
      await once(out, 'close').catch(() => undefined);
      // Its tokens reach anyone only through the results download, which opens now: their audit rows,
      // committed without a sync of their own, are made durable first (one WAL sync for the whole job).
      try {
        await this.audit.syncNow();
      } catch (err) {
        final = 'failed';
        job.failures.push({ row: 0, error: 'audit/unavailable', message: `The audit log could not be synced to disk: ${err instanceof Error ? err.message : String(err)}` });
      }
      job.finishedAt = Date.now();
      job.state = final;
      this.metrics.bulkFinished(final);
      setTimeout(() => this.forget(job.id), KEEP_FINISHED_MS).unref();
    }
  }

  /** A job, if `viewer` may see it (null: anyone's, for owners and admins). */
  private job(id: string, viewer: string | null): Job {
    const job = this.jobs.get(id);
    if (!job || (viewer !== null && job.owner !== viewer)) throw new AppError('bulk/not_found', `No bulk job has id ${id} (finished jobs are kept for an hour).`);
    return job;
  }

  get(id: string, viewer: string | null): BulkJobView {
    return this.job(id, viewer).view();
  }

  cancel(id: string, viewer: string | null): BulkJobView {
    const job = this.job(id, viewer);
    if (job.state === 'running') job.cancelled = true;
    return job.view();
  }

  /** The results as CSV or a JSON array, streamed from the job's file (partial while running or after cancel). */
  results(id: string, format: 'csv' | 'json', viewer: string | null): Readable {
    const job = this.job(id, viewer);
    if (job.state === 'running') throw new AppError('bulk/running', 'The job is still running: cancel it or wait for it to finish.');
    const lines = createInterface({ input: createReadStream(job.file), crlfDelay: Infinity });
    return Readable.from(
      (async function* () {
        let first = true;
        yield format === 'csv' ? 'row,ok,token,launch_link,exp,sub,jti,error,message\r\n' : '[';
        for await (const text of lines) {
          if (!text) continue;
          const r = JSON.parse(text) as ResultLine;
          if (format === 'json') {
            yield `${first ? '' : ','}\n${text}`;
          } else {
            const cells = [r.row, r.ok, r.token ?? '', r.launchLink ?? '', r.exp ?? '', r.sub ?? '', r.jti ?? '', r.error ?? '', r.message ?? ''];
            yield `${cells.map(csvCell).join(',')}\r\n`;
          }
          first = false;
        }
        if (format === 'json') yield '\n]\n';
      })(),
    );
  }

  private forget(id: string): void {
    const job = this.jobs.get(id);
    if (!job) return;
    rmSync(job.file, { force: true });
    this.jobs.delete(id);
  }

  /** Cancels running jobs (shutdown). */
  cancelAll(): void {
    for (const job of this.jobs.values()) job.cancelled = true;
  }
}

function csvCell(value: unknown): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
