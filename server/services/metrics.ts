// Prometheus metrics, kept in memory and rendered in the text exposition format. No dependency: a few
// counters, gauges and histograms are all the console needs.
const LATENCY_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** An audit transaction takes tens of microseconds, or a WAL sync more: a slow disk shows up here first. */
const COMMIT_BUCKETS_SECONDS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 1];
const SYNCED = { synced: 'true' };
const NOT_SYNCED = { synced: 'false' };

type Labels = Record<string, string>;

function key(labels: Labels): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
}

function render(labels: Labels): string {
  const entries = Object.entries(labels).sort(([a], [b]) => a.localeCompare(b));
  if (!entries.length) return '';
  return `{${entries.map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`).join(',')}}`;
}

class Counter {
  private readonly values = new Map<string, { labels: Labels; value: number }>();
  constructor(readonly name: string, readonly help: string) {}
  inc(labels: Labels = {}, by = 1): void {
    const k = key(labels);
    const entry = this.values.get(k) ?? { labels, value: 0 };
    entry.value += by;
    this.values.set(k, entry);
  }
  lines(): string[] {
    return [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`, ...[...this.values.values()].map((e) => `${this.name}${render(e.labels)} ${e.value}`)];
  }
}

class Histogram {
  private readonly values = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  constructor(readonly name: string, readonly help: string, readonly buckets: readonly number[]) {}
  observe(labels: Labels, value: number): void {
    const k = key(labels);
    const entry = this.values.get(k) ?? { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
    this.buckets.forEach((b, i) => {
      if (value <= b) entry.counts[i]!++;
    });
    entry.sum += value;
    entry.count++;
    this.values.set(k, entry);
  }
  lines(): string[] {
    const out = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const e of this.values.values()) {
      this.buckets.forEach((b, i) => out.push(`${this.name}_bucket${render({ ...e.labels, le: String(b) })} ${e.counts[i]}`));
      out.push(`${this.name}_bucket${render({ ...e.labels, le: '+Inf' })} ${e.count}`, `${this.name}_sum${render(e.labels)} ${e.sum}`, `${this.name}_count${render(e.labels)} ${e.count}`);
    }
    return out;
  }
}

export class Metrics {
  readonly mints = new Counter('sat_mints_total', 'Tokens asked for, by provider id, outcome and path (console, bulk, broker)');
  readonly upstreamLatency = new Histogram('sat_upstream_latency_seconds', 'Time of signed calls to an upstream, by upstream origin and outcome kind', LATENCY_BUCKETS_SECONDS);
  readonly errors = new Counter('sat_errors_total', 'Error answers of the console, by error code (area/reason)');
  readonly bulkJobs = new Counter('sat_bulk_jobs_total', 'Bulk jobs by final state');
  readonly auditCommits = new Histogram('sat_audit_commit_seconds', 'Audit log transactions (a batch of rows written and committed), by whether the commit synced the write-ahead log (synchronous=FULL)', COMMIT_BUCKETS_SECONDS);
  private runningBulkJobs = 0;
  private readonly started = Date.now();

  mint(providerId: string, outcome: string, via: string, upstream: string | null, latencyMs: number | null): void {
    this.mints.inc({ provider: providerId, outcome, via });
    if (upstream && latencyMs !== null) this.upstreamLatency.observe({ upstream, outcome: outcome === 'ok' ? 'ok' : outcome.replace(/^upstream\//, '') }, latencyMs / 1000);
  }

  auditCommit(synced: boolean, seconds: number): void {
    this.auditCommits.observe(synced ? SYNCED : NOT_SYNCED, seconds);
  }

  bulkStarted(): void {
    this.runningBulkJobs++;
  }

  bulkFinished(state: string): void {
    this.runningBulkJobs = Math.max(0, this.runningBulkJobs - 1);
    this.bulkJobs.inc({ state });
  }

  text(): string {
    const memory = process.memoryUsage();
    return `${[
      ...this.mints.lines(),
      ...this.upstreamLatency.lines(),
      ...this.errors.lines(),
      ...this.bulkJobs.lines(),
      ...this.auditCommits.lines(),
      '# HELP sat_bulk_jobs_running Bulk jobs running now',
      '# TYPE sat_bulk_jobs_running gauge',
      `sat_bulk_jobs_running ${this.runningBulkJobs}`,
      '# HELP process_resident_memory_bytes Resident memory of the console process',
      '# TYPE process_resident_memory_bytes gauge',
      `process_resident_memory_bytes ${memory.rss}`,
      '# HELP process_uptime_seconds Seconds since the console started',
      '# TYPE process_uptime_seconds gauge',
      `process_uptime_seconds ${Math.round((Date.now() - this.started) / 1000)}`,
    ].join('\n')}\n`;
  }
}
