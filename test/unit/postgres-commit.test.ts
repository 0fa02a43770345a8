// How PostgresSql commits: a transaction asked to be durable waits for its WAL flush; any other commits
// without waiting (as SQLite's synchronous=NORMAL), and syncCommitted() makes every commit so far durable.
// A mint's pending audit row, its history row and a bulk job's rows so need no WAL flush each.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type pg from 'pg';
import { openPool } from '../../server/db/pg-pool.js';
import { PostgresSql } from '../../server/db/postgres-sql.js';
import { DEFAULT_POOL_SIZE, DEFAULT_STATEMENT_TIMEOUT_MS } from '../../server/db/backend.js';
import { sharedPostgres } from '../helpers/postgres.js';

let pool: pg.Pool;
let sql: PostgresSql;

before(async () => {
  const url = await (await sharedPostgres()).createDatabase('commit');
  pool = openPool({ backend: 'postgresql', url, poolSize: DEFAULT_POOL_SIZE, statementTimeoutMs: DEFAULT_STATEMENT_TIMEOUT_MS });
  sql = new PostgresSql(pool);
  await sql.run('CREATE TABLE t (x text)');
});

after(async () => {
  await pool?.end();
});

const setting = (tx: { get: PostgresSql['get'] }) =>
  tx.get<{ synchronous_commit: string }>('SHOW synchronous_commit').then((r) => r?.synchronous_commit);

test('a durable transaction waits for its WAL flush; any other does not', async () => {
  assert.equal(await sql.transaction((tx) => setting(tx), { durable: true }), 'on');
  assert.equal(await sql.transaction((tx) => setting(tx)), 'off');
  assert.equal(await sql.transaction((tx) => setting(tx), { durable: false, locks: ['a'], sharedLocks: ['b'] }), 'off');
  // SET LOCAL: the pooled connection is back to the server's setting for the next caller.
  assert.equal(await setting(sql), 'on');
});

test('locks are held in the transaction, inline with its BEGIN', async () => {
  const held = await sql.transaction(
    (tx) => tx.all<{ mode: string }>("SELECT mode FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() ORDER BY mode"),
    { locks: ["it's"], sharedLocks: ['shared'] },
  );
  assert.deepEqual(
    held.map((r) => r.mode),
    ['ExclusiveLock', 'ShareLock'],
  );
});

test('syncCommitted() flushes the WAL past every commit made without waiting', async () => {
  await sql.transaction((tx) => tx.run("INSERT INTO t (x) VALUES ('a')"));
  const lsn = (await sql.get<{ lsn: string }>('SELECT pg_current_wal_insert_lsn()::text AS lsn'))!.lsn;
  await sql.syncCommitted();
  const flushed = await sql.get<{ ok: boolean }>('SELECT pg_current_wal_flush_lsn() >= ?::pg_lsn AS ok', [lsn]);
  assert.equal(flushed?.ok, true);
});
