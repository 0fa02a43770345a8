// The pg connection pool of a PostgreSQL target: every connection's session runs in UTC (so a column
// default such as CURRENT_TIMESTAMP reads back what Prisma writes, whatever the server's or the role's
// time zone) with the configured statement timeout.
import pg from 'pg';
import type { PostgresTarget } from './backend.js';

/**
 * The URL without its `options` parameter, and the session settings sent in the startup packet of every
 * connection: the URL's own options first, ours after them (the later -c wins). pg would let the URL's
 * `options` replace ours altogether.
 */
export function connectionSettings(target: PostgresTarget): { connectionString: string; options: string } {
  const url = new URL(target.url);
  const fromUrl = url.searchParams.get('options') ?? '';
  url.searchParams.delete('options');
  const options = [fromUrl, '-c TimeZone=UTC', `-c statement_timeout=${target.statementTimeoutMs}`].filter(Boolean).join(' ');
  return { connectionString: url.toString(), options };
}

export function openPool(target: PostgresTarget, max = target.poolSize): pg.Pool {
  return new pg.Pool({
    ...connectionSettings(target),
    max,
    application_name: 'sat-playground',
    // A connection the server dropped (restart, failover) is replaced on the next checkout.
    idleTimeoutMillis: 30_000,
  });
}
