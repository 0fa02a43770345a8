// Caches that stay right across replicas. A process keeps some data in memory (provider rows and views,
// the built-in emulator's registry, sessions with their user's role and grants); another replica on the
// same PostgreSQL may change that data at any time. Every write to such data bumps its topic's version
// (CacheGeneration) in the same transaction, and before a request is served the versions are read: a topic
// whose version moved has its cache dropped first. So the next request on any replica sees a write once it
// is committed, never a stale grant or a deleted provider.
//
// The read is fenced and shared: a request waits for a read that started after it arrived (one that began
// earlier may predate a write the client has already seen answered), and every request arriving meanwhile
// shares the next read, so under load it is one query per round trip, not one per request. On SQLite one
// process owns the file and drops its caches as it writes: nothing to read.
import type { Sql } from './sql.js';

export const CACHE_TOPICS = ['providers', 'sessions'] as const;
export type CacheTopic = (typeof CACHE_TOPICS)[number];

const BUMP = `INSERT INTO "CacheGeneration" ("topic", "version") VALUES (?, 1)
  ON CONFLICT ("topic") DO UPDATE SET "version" = "CacheGeneration"."version" + 1`;
const READ = 'SELECT "topic", "version" FROM "CacheGeneration"';

export class Generations {
  private readonly seen = new Map<string, string>();
  private readonly listeners = new Map<CacheTopic, (() => void | Promise<void>)[]>();
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;

  constructor(private readonly sql: Sql) {}

  /** Whether other processes may change the data (a shared database). */
  get shared(): boolean {
    return this.sql.backend === 'postgresql';
  }

  /** fn drops the process's cache of the topic; called when another process has changed it. */
  onChange(topic: CacheTopic, fn: () => void | Promise<void>): void {
    this.listeners.set(topic, [...(this.listeners.get(topic) ?? []), fn]);
  }

  /** Marks the topic changed, in the caller's transaction when there is one (it commits with the write). */
  async bump(topic: CacheTopic): Promise<void> {
    if (this.shared) await this.sql.run(BUMP, [topic]);
  }

  /** Resolves once every cache another process changed before this call has been dropped. */
  sync(): Promise<void> {
    if (!this.shared) return Promise.resolve();
    if (!this.running) {
      this.running = this.check().finally(() => (this.running = undefined));
      return this.running;
    }
    this.queued ??= this.running
      .catch(() => {})
      .then(() => {
        this.queued = undefined;
        return this.sync();
      });
    return this.queued;
  }

  private async check(): Promise<void> {
    const rows = await this.sql.all<{ topic: string; version: number | bigint }>(READ);
    for (const row of rows) {
      const version = String(row.version);
      if (this.seen.get(row.topic) === version) continue;
      // A topic seen for the first time is dropped too: its cache may have been filled before this read.
      for (const fn of this.listeners.get(row.topic as CacheTopic) ?? []) await fn();
      // Recorded only once every listener has run: one that failed is tried again at the next read.
      this.seen.set(row.topic, version);
    }
  }
}
