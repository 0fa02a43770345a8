// A lock across every console process on one database, held while fn runs: replicas starting together
// migrate one at a time, and create the owner and the demo data once. PostgreSQL: a session advisory lock
// on a connection of its own (ending the session releases it, however the process ends). SQLite: one
// console owns its file; nothing to take.
import pg from 'pg';
import type { DatabaseTarget } from './backend.js';
import { connectionSettings } from './pg-pool.js';

export async function withDatabaseLock<T>(target: DatabaseTarget, name: string, fn: () => Promise<T>): Promise<T> {
  if (target.backend === 'sqlite') return fn();
  const client = new pg.Client(connectionSettings(target));
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [`sat-playground:${name}`]);
    return await fn();
  } finally {
    await client.end();
  }
}
