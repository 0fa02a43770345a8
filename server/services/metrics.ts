// Prometheus metrics with prom-client, on a registry of this console's own (never prom-client's global one:
// tests run many consoles in one process, and each counts only its own). The process metrics are
// prom-client's defaults (CPU, event-loop lag, GC, heap, file descriptors, resident memory).
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

const LATENCY_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** An audit transaction takes tens of microseconds, or a WAL sync more: a slow disk shows up here first. */
const COMMIT_BUCKETS_SECONDS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 1];

export class Metrics {
  private readonly registry = new Registry();
  /** The exposition format of text(), for the Content-Type of /api/metrics. */
  readonly contentType = this.registry.contentType;
  // Labels are passed in name order, as the exposition used to print them (le first on buckets).
  private readonly mints = new Counter({
    name: 'sat_mints_total',
    help: 'Tokens asked for, by provider id, outcome and path (console, bulk, broker)',
    labelNames: ['outcome', 'provider', 'via'] as const,
    registers: [this.registry],
  });
  private readonly upstreamLatency = new Histogram({
    name: 'sat_upstream_latency_seconds',
    help: 'Time of signed calls to an upstream, by upstream origin and outcome kind',
    labelNames: ['outcome', 'upstream'] as const,
    buckets: LATENCY_BUCKETS_SECONDS,
    registers: [this.registry],
  });
  /** Error answers, counted by the error handler. */
  readonly errors = new Counter({
    name: 'sat_errors_total',
    help: 'Error answers of the console, by error code (area/reason)',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  private readonly bulkJobs = new Counter({
    name: 'sat_bulk_jobs_total',
    help: 'Bulk jobs by final state',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });
  private readonly auditCommits = new Histogram({
    name: 'sat_audit_commit_seconds',
    help: 'Audit log transactions (a batch of rows written and committed), by whether the commit synced the write-ahead log (synchronous=FULL)',
    labelNames: ['synced'] as const,
    buckets: COMMIT_BUCKETS_SECONDS,
    registers: [this.registry],
  });
  private runningBulkJobs = 0;

  constructor(now: () => number = Date.now) {
    const running = () => this.runningBulkJobs;
    new Gauge({
      name: 'sat_bulk_jobs_running',
      help: 'Bulk jobs running now',
      registers: [this.registry],
      collect() {
        this.set(running());
      },
    });
    const started = now();
    new Gauge({
      name: 'process_uptime_seconds',
      help: 'Seconds since the console started',
      registers: [this.registry],
      collect() {
        this.set(Math.round((now() - started) / 1000));
      },
    });
    collectDefaultMetrics({ register: this.registry });
  }

  mint(providerId: string, outcome: string, via: string, upstream: string | null, latencyMs: number | null): void {
    this.mints.inc({ outcome, provider: providerId, via });
    if (upstream && latencyMs !== null)
      this.upstreamLatency.observe({ outcome: outcome === 'ok' ? 'ok' : outcome.replace(/^upstream\//, ''), upstream }, latencyMs / 1000);
  }

  auditCommit(synced: boolean, seconds: number): void {
    this.auditCommits.observe({ synced: synced ? 'true' : 'false' }, seconds);
  }

  bulkStarted(): void {
    this.runningBulkJobs++;
  }

  bulkFinished(state: string): void {
    this.runningBulkJobs = Math.max(0, this.runningBulkJobs - 1);
    this.bulkJobs.inc({ state });
  }

  /** Every metric in the Prometheus text exposition format. */
  async text(): Promise<string> {
    // prom-client writes a NaN (the event-loop lag mean before the first sample) as "Nan"; Prometheus's
    // parser takes any case, stricter ones (OpenMetrics) want the spelling of the format: NaN.
    return (await this.registry.metrics()).replace(/ Nan$/gm, ' NaN');
  }
}
