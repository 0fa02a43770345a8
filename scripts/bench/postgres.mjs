// The PostgreSQL part of `npm run bench -- --db postgres` (issue 16): a throwaway PostgreSQL 15 with fsync on
// (real commits), one database, and two console replicas (`node dist/console.js`) sharing it, as the `ha`
// compose profile runs them, in front of the same standalone emulator as the SQLite console. bench.mjs
// measures both backends side by side in one run with what this module starts; sectionOf() writes the
// PostgreSQL section of docs/benchmarks.md.
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createDatabase, startCluster } from '../postgres-cluster.mjs';
import { exited, httpCall, minter, rssMb, setUpConsole, waitFor200 } from './common.mjs';

/** Idle RSS is read this long after both replicas are ready (as the SQLite console's, 3 s after ready). */
const IDLE_WAIT_MS = 3000;

/**
 * @typedef {object} PostgresSide
 * @property {{ url: string, pid: number | undefined }[]} replicas
 * @property {Record<string, string>} session the owner's session; it works on either replica.
 * @property {import('./common.mjs').Call} call through replica A.
 * @property {string} providerId
 * @property {() => Promise<void>} mint one mint, on replica A and B in turn.
 * @property {() => Promise<void>} commit one single-row insert committed on its own (synchronous_commit on).
 * @property {number[]} idleRssMb each replica's RSS 3 s after both were ready.
 * @property {() => Promise<void>} stop
 */

/**
 * Starts the cluster, a database and the two replicas on it, sets up a credential set for the emulator and
 * a provider (on replica A; B sees them on its next request), and reads the replicas' idle RSS.
 * @param {object} o
 * @param {string} o.root
 * @param {import('undici').Agent} o.agent
 * @param {Record<string, string>} o.env the environment the SQLite console gets (runtime env, log level, ops token).
 * @param {{ email: string, password: string }} o.owner
 * @param {{ emulatorBase: string, clientId: string, secret: string, entityId: string, providerName: string }} o.upstream
 * @param {Record<string, string>} [o.settings] more server settings (log_statement=all, to count a mint's statements).
 * @returns {Promise<PostgresSide & { logDir: string }>}
 */
export async function startPostgresSide({ root, agent, env, owner, upstream, settings }) {
  const cluster = await startCluster({ fsync: true, settings });
  /** @type {import('node:child_process').ChildProcess[]} */
  const procs = [];
  /** @type {string[]} */
  const dirs = [];
  /** @type {pg.Client | undefined} */
  let probe;
  const stop = async () => {
    for (const p of procs) p.kill('SIGTERM');
    await Promise.all(procs.map(exited));
    await probe?.end().catch(() => {});
    await cluster.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  };
  try {
    const databaseUrl = await createDatabase(cluster.adminUrl, 'bench');
    const masterKey = randomBytes(32).toString('hex');
    const replicas = [0, 1].map((i) => {
      const port = 20000 + Math.floor(Math.random() * 20000);
      const dir = mkdtempSync(join(tmpdir(), `sat-bench-pg-${i}-`));
      dirs.push(dir);
      const proc = spawn(process.execPath, ['dist/console.js'], {
        cwd: root,
        env: {
          ...env,
          PORT: String(port),
          DATA_DIR: dir,
          DATABASE_URL: databaseUrl,
          SAT_MASTER_KEY: masterKey,
          SEED_DEMO: 'false',
          SAT_OWNER_EMAIL: owner.email,
          SAT_OWNER_PASSWORD: owner.password,
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      procs.push(proc);
      return { url: `http://127.0.0.1:${port}`, pid: proc.pid, proc };
    });
    // Started together on an empty database, as in the replicas test: they migrate in turn.
    await Promise.all(replicas.map((r) => waitFor200(agent, r.url, '/api/ready', r.proc, 60_000)));
    await new Promise((r) => setTimeout(r, IDLE_WAIT_MS));
    const idleRssMb = replicas.map((r) => rssMb(r.pid));
    const [a, b] = /** @type {[typeof replicas[0], typeof replicas[0]]} */ (replicas);
    const { session, call, providerId } = await setUpConsole(agent, a.url, owner, upstream);
    /** @type {import('./common.mjs').Call} */
    const callB = (method, path, body, headers = {}) => httpCall(agent, b.url, method, path, body, { ...session, ...headers });
    const mints = [minter(call, providerId), minter(callB, providerId)];
    let turn = 0;
    const mint = () => /** @type {() => Promise<void>} */ (mints[turn++ % 2])();

    // A commit of one's own next to the mints: the least one synced row costs on this server (one round
    // trip, one WAL flush). In a database of its own, so the console's schema stays as migrated.
    probe = new pg.Client({ connectionString: await createDatabase(cluster.adminUrl, 'bench_commit') });
    await probe.connect();
    await probe.query('CREATE TABLE t (x text)');
    const client = probe;
    const commit = async () => void (await client.query('INSERT INTO t (x) VALUES ($1)', [randomUUID()]));

    return {
      replicas: replicas.map((r) => ({ url: r.url, pid: r.pid })),
      session,
      call,
      providerId,
      mint,
      commit,
      idleRssMb,
      stop,
      logDir: cluster.dir,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * @typedef {import('./common.mjs').LoadResult} LoadResult
 * @typedef {{ p50: number, p95: number }} Latency
 * @typedef {{ unsynced: number, synced: number }} AuditMs
 * @typedef {object} SideBySide
 * @property {number} rounds
 * @property {number} warmup
 * @property {{ sqlite: Latency, pg: Latency, pgCommit: number, audit: { sqlite: AuditMs, pg: AuditMs } }} mint
 * @property {{ sqlite: Omit<LoadResult, 'seconds'>, pg: Omit<LoadResult, 'seconds'>, hello: Omit<LoadResult, 'seconds'>,
 *   sqliteRatio: { median: number, text: string }, pgRatio: { median: number, text: string }, mergedSqlite: number, mergedPg: number }} list
 * @property {{ sqlite: number, pg: { seconds: number, rssBefore: number, rssPeak: number, rssAfter: number },
 *   sqliteRss: { rssBefore: number, rssPeak: number, rssAfter: number } }} bulk
 * @property {{ sqlite: string, pg: number[] }} idleRss
 * @property {number} slices
 * @property {number} loadSeconds
 * @property {number} connections
 * @property {number} bulkCount
 */

const MINT_RATIO_GOAL = 1.5;
const LIST_RATIO_GOAL = 0.4;
const BULK_SECONDS_GOAL = 5;

/** @param {boolean} ok */
const met = (ok) => (ok ? 'met' : '**not met**');

/**
 * The PostgreSQL section of docs/benchmarks.md: its table side by side with SQLite's figures of the same run.
 * @param {SideBySide} f
 */
export function sectionOf(f) {
  const ms = (/** @type {number} */ v) => v.toFixed(2);
  const mintRatio = f.mint.pg.p50 / f.mint.sqlite.p50;
  const loadText = (/** @type {Omit<LoadResult, 'seconds'>} */ r) =>
    `${r.rps} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, ${r.errors} errors of ${r.total}`;
  const rss = (/** @type {{ rssBefore: number, rssPeak: number, rssAfter: number }} */ r) =>
    `${r.rssBefore} / ${r.rssPeak} / ${r.rssAfter} MB (growth ${r.rssAfter - r.rssBefore} MB)`;
  const rows = [
    [
      `Mint, one at a time, p50 / p95 (${f.rounds} rounds, each one SQLite mint, one PostgreSQL mint and one commit)`,
      `${ms(f.mint.sqlite.p50)} ms / ${ms(f.mint.sqlite.p95)} ms`,
      `${ms(f.mint.pg.p50)} ms / ${ms(f.mint.pg.p95)} ms (replicas A and B in turn)`,
      '',
      '',
    ],
    ['PostgreSQL mint p50 ÷ SQLite mint p50', '', `${mintRatio.toFixed(2)}×`, `≤ ${MINT_RATIO_GOAL}×`, met(mintRatio <= MINT_RATIO_GOAL)],
    [
      'One single-row INSERT committed on its own (synchronous_commit on, fsync on), same rounds, p50',
      '',
      `${f.mint.pgCommit.toFixed(3)} ms`,
      '',
      '',
    ],
    [
      "The console's audit transactions per mint, mean: row begun / row completed (chain lock, synced commit)",
      `${f.mint.audit.sqlite.unsynced.toFixed(3)} ms / ${f.mint.audit.sqlite.synced.toFixed(3)} ms`,
      `${f.mint.audit.pg.unsynced.toFixed(3)} ms / ${f.mint.audit.pg.synced.toFixed(3)} ms`,
      '',
      '',
    ],
    [
      `Load, provider list (${f.connections} connections, ${f.loadSeconds} s in ${f.slices} slices; PostgreSQL: half on each replica)`,
      loadText(f.list.sqlite),
      loadText(f.list.pg),
      '0 errors',
      met(f.list.pg.errors === 0),
    ],
    [
      `Bare Fastify hello-world in the same slices (${f.connections} connections)`,
      `${f.list.hello.rps} req/s, p50 ${f.list.hello.p50} ms, p99 ${f.list.hello.p99} ms`,
      '(the same)',
      '',
      '',
    ],
    [
      `Provider list ÷ bare Fastify, req/s: median of the ${f.slices} slice pairs (min–max); all slices merged`,
      `${f.list.sqliteRatio.text}; merged ${Math.round(100 * f.list.mergedSqlite)} %`,
      `${f.list.pgRatio.text}; merged ${Math.round(100 * f.list.mergedPg)} %`,
      `≥ ${Math.round(100 * LIST_RATIO_GOAL)} %`,
      met(f.list.pgRatio.median >= LIST_RATIO_GOAL),
    ],
    [
      `Bulk of ${f.bulkCount.toLocaleString('en')} tokens (concurrency 32), wall time to done`,
      `${f.bulk.sqlite.toFixed(2)} s (${Math.round(f.bulkCount / f.bulk.sqlite)} tokens/s)`,
      `${f.bulk.pg.seconds.toFixed(2)} s (${Math.round(f.bulkCount / f.bulk.pg.seconds)} tokens/s), on replica A`,
      `≤ ${BULK_SECONDS_GOAL} s`,
      met(f.bulk.pg.seconds <= BULK_SECONDS_GOAL),
    ],
    ['RSS before / peak / after the bulk', rss(f.bulk.sqliteRss), rss(f.bulk.pg), '', ''],
    [
      'Idle RSS 3 s after ready',
      `${f.idleRss.sqlite} (median of the 5 restarts above)`,
      `${f.idleRss.pg.map((v) => `${v} MB`).join(' / ')} (replica A / B)`,
      '',
      '',
    ],
  ];
  const table = [
    '| Measure | SQLite (one console) | PostgreSQL (two replicas, one database) | Goal (PostgreSQL) | |',
    '|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
  return `## PostgreSQL: two replicas on one database, side by side with SQLite

Written by \`npm run bench -- --db postgres\` in the same run as the figures above: a throwaway PostgreSQL 15 on loopback (\`scripts/postgres-cluster.mjs\`, fsync on, so commits are real) on the same shared 2-core machine, one database, and two console replicas (\`node dist/console.js\`, the same master key, each with its own data directory) sharing it, in front of the same standalone emulator as the SQLite console, through a credential set and provider of their own. The mints are ${f.rounds} rounds after ${f.warmup} warm-up rounds, each round one mint through the SQLite console, one through a PostgreSQL replica (A and B in turn) and one commit of a single-row INSERT on the same PostgreSQL server, so that both backends see the same machine. The provider list runs in ${f.slices} slices alternated with the SQLite console's list and the bare Fastify (the SQLite list figure above is these slices); on PostgreSQL autocannon spreads its connections over both replicas. The bulk job runs on replica A after the SQLite one.

${table}

A PostgreSQL replica does on each request what the SQLite console does, plus what keeps replicas coherent: before a request it reads the cache versions (\`server/db/generations.ts\`, one query shared by the requests arriving meanwhile), and each audit transaction is a round trip per statement over loopback; the completing one takes the chain's advisory lock (\`pg_advisory_xact_lock\`) and its commit waits for the WAL flush. The machine is shared: compare figures taken in one run, not across runs.
`;
}
