// Operations: readiness (database, migrations, upstream clock offsets), Prometheus metrics, an online
// backup taken while the console works, and a graceful shutdown that lets an in-flight mint finish.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startWithDemo, startTestConsole, TEST_BACKEND, type TestConsole } from '../helpers/console.js';
import { rawSql } from '../helpers/databases.js';
import { http } from '../helpers/http.js';
import { scenario, startEmulator } from '../helpers/emulator.js';
import { tempDir } from '../helpers/tmp.js';
import { finishedJob } from '../helpers/bulk.js';
import { pollUntil } from '../helpers/poll.js';
import { verifyAuditChain } from '../../server/cli/verify-audit.js';
import { migrationsDirOf } from '../../server/db/backend.js';
import { readMigrations } from '../../server/db/migrator.js';

let app: TestConsole;
let demo: { id: string };
const OPS = 'ops-token-for-the-operations-test';
const ops = { cookie: '', authorization: `Bearer ${OPS}` };

before(async () => {
  ({ app, demo } = await startWithDemo({ OPS_TOKEN: OPS }));
});

after(() => app?.stop());

test('readiness: database, every migration applied, and the upstream clock offsets once measured', async () => {
  const probe = await http('GET', `${app.url}/api/ready`, undefined, { cookie: '' });
  assert.equal(probe.status, 200);
  assert.deepEqual(probe.json, { ready: true }, 'the unauthenticated answer says nothing more');
  const before = await http<{ ready: boolean; migrations: { applied: number; expected: number; missing: string[] }; upstreams: unknown[] }>(
    'GET',
    `${app.url}/api/ready/detail`,
    undefined,
    ops,
  );
  assert.equal(before.status, 200);
  assert.equal(before.json.ready, true);
  // Every migration this build ships for the console's backend (each backend has its own folder).
  assert.equal(before.json.migrations.expected, readMigrations(migrationsDirOf(app.database.backend)).migrationDirectories.length);
  assert.ok(before.json.migrations.expected >= 3);
  assert.equal(before.json.migrations.applied, before.json.migrations.expected);
  assert.deepEqual(before.json.migrations.missing, []);
  assert.equal((await http('POST', `${app.url}/api/providers/${demo.id}/tokens`, {})).status, 200);
  const after = await http<{ upstreams: { upstream: string; offsetSeconds: number }[] }>(
    'GET',
    `${app.url}/api/ready/detail`,
    undefined,
    ops,
  );
  assert.deepEqual(
    after.json.upstreams.map((u) => [u.upstream, u.offsetSeconds]),
    [[app.url, 0]],
  );
});

test('metrics: mints by provider and outcome, upstream latency, errors by code, bulk jobs, audit commits', async () => {
  assert.equal((await http('POST', `${app.url}/api/providers/${demo.id}/tokens`, { metadata: [] })).status, 400);
  const job = await http<{ id: string }>('POST', `${app.url}/api/providers/${demo.id}/bulk`, { count: 3 });
  await finishedJob(app.url, job.json.id);
  assert.equal(
    (await http('GET', `${app.url}/api/metrics`, undefined, { cookie: '' })).status,
    401,
    'not without the operator token or a session',
  );
  assert.equal(
    (await http('GET', `${app.url}/api/metrics`, undefined, { cookie: '', authorization: 'Bearer not-the-ops-token' })).status,
    401,
  );
  const res = await http('GET', `${app.url}/api/metrics`, undefined, ops);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const text = res.text;
  assert.match(text, new RegExp(`^sat_mints_total\\{outcome="ok",provider="${demo.id}",via="console"\\} [1-9]\\d*$`, 'm'));
  assert.match(text, new RegExp(`^sat_mints_total\\{outcome="ok",provider="${demo.id}",via="bulk"\\} 3$`, 'm'));
  assert.match(text, /^sat_upstream_latency_seconds_bucket\{le="\+Inf",outcome="ok",upstream="http:\/\/127\.0\.0\.1:\d+"\} \d+$/m);
  assert.match(text, /^sat_errors_total\{code="request\/invalid"\} [1-9]\d*$/m);
  assert.match(text, /^sat_bulk_jobs_total\{state="done"\} 1$/m);
  assert.match(text, /^sat_bulk_jobs_running 0$/m);
  // Audit transactions: every mint's row is begun unsynced and completed with a WAL sync; bulk rows stay
  // unsynced until the job's results are ready.
  for (const synced of ['true', 'false']) {
    const count = Number(new RegExp(`^sat_audit_commit_seconds_count\\{synced="${synced}"\\} (\\d+)$`, 'm').exec(text)?.[1]);
    assert.ok(count >= 1, `audit commits with synced=${synced}: ${count}`);
    assert.match(text, new RegExp(`^sat_audit_commit_seconds_bucket\\{le="\\+Inf",synced="${synced}"\\} ${count}$`, 'm'));
    assert.ok(Number(new RegExp(`^sat_audit_commit_seconds_sum\\{synced="${synced}"\\} (\\S+)$`, 'm').exec(text)?.[1]) > 0);
  }
});

test("metrics: the process's own (event-loop lag, GC, heap, file descriptors), per console, in valid exposition text", async () => {
  const text = (await http('GET', `${app.url}/api/metrics`, undefined, ops)).text;
  for (const [name, type] of [
    ['nodejs_eventloop_lag_seconds', 'gauge'],
    ['nodejs_eventloop_lag_p99_seconds', 'gauge'],
    ['nodejs_gc_duration_seconds', 'histogram'],
    ['nodejs_heap_size_used_bytes', 'gauge'],
    ['process_open_fds', 'gauge'],
    ['process_max_fds', 'gauge'],
    ['process_resident_memory_bytes', 'gauge'],
    ['process_uptime_seconds', 'gauge'],
  ])
    assert.match(text, new RegExp(`^# TYPE ${name} ${type}$`, 'm'), name);
  assert.ok(Number(/^process_open_fds (\d+)$/m.exec(text)?.[1]) > 0, 'open file descriptors counted');
  assert.ok(Number(/^nodejs_heap_size_used_bytes (\d+)$/m.exec(text)?.[1]) > 0, 'heap measured');
  // Every sample line is a name, optional labels and a number: what a Prometheus scrape accepts.
  const sample = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*",?)*\})? (-?[0-9.e+-]+|NaN|[+-]Inf)$/;
  for (const line of text.split('\n').filter((l) => l && !l.startsWith('#'))) assert.match(line, sample);
  // Each console has its own registry: a second one in this process starts from zero.
  const other = await startTestConsole({ SEED_DEMO: 'false', LOG_LEVEL: 'warn' });
  try {
    const fresh = (await http('GET', `${other.url}/api/metrics`)).text;
    assert.doesNotMatch(fresh, /^sat_mints_total\{/m, 'no mint counted in the new console');
    assert.match(fresh, /^# TYPE process_open_fds gauge$/m);
  } finally {
    await other.stop();
  }
});

test(
  'an online backup taken while mints are written passes integrity_check and keeps the audit chain',
  { skip: TEST_BACKEND !== 'sqlite' && "npm run backup is SQLite's online backup; PostgreSQL is backed up with pg_dump" },
  async () => {
    const dir = tempDir('sat-backup-');
    try {
      const writes = Promise.all(Array.from({ length: 20 }, () => http('POST', `${app.url}/api/providers/${demo.id}/tokens`, {})));
      const file = join(dir.path, 'copy.db');
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'server/cli/backup.ts', file], {
        env: { ...process.env, DATA_DIR: app.dataDir },
        encoding: 'utf8',
      });
      await writes;
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /integrity ok/);
      const copy = new Database(file, { readonly: true });
      try {
        assert.equal(copy.pragma('integrity_check', { simple: true }), 'ok');
        assert.ok((copy.prepare('SELECT COUNT(*) AS n FROM "Provider"').get() as { n: number }).n >= 1);
      } finally {
        copy.close();
      }
      assert.equal((await verifyAuditChain({ backend: 'sqlite', file })).ok, true);
      const again = spawnSync(process.execPath, ['--import', 'tsx', 'server/cli/backup.ts', file], {
        env: { ...process.env, DATA_DIR: app.dataDir },
        encoding: 'utf8',
      });
      assert.equal(again.status, 1, 'an existing file is never overwritten');
    } finally {
      dir.cleanup();
    }
  },
);

test('graceful shutdown: an in-flight mint finishes with its audit row; new requests are refused', async () => {
  const s = scenario();
  const emu = await startEmulator(s.config);
  const closing = await startTestConsole({ SEED_DEMO: 'false', UPSTREAM_ALLOW_HOSTS: '127.0.0.1' });
  try {
    const cred = await http<{ id: string }>('POST', `${closing.url}/api/credential-sets`, {
      name: 'Slow',
      clientId: s.admin.clientId,
      clientSecret: s.admin.clientSecret,
      upstreamUrl: emu.url,
    });
    const prov = await http<{ id: string }>('POST', `${closing.url}/api/providers`, {
      name: s.provider.name,
      tokenDurationMin: 90,
      entityLevel: 'account',
      entityId: s.accountId,
      credentialSetId: cred.json.id,
    });
    emu.faults.set({ latencyMs: 600 });
    // The mint is in flight once the upstream has its request (and holds it for the 600 ms latency).
    const arrived = once(emu.app.server, 'request');
    const inFlight = http<{ claims: { jti: string } }>('POST', `${closing.url}/api/providers/${prov.json.id}/tokens`, {});
    await arrived;
    const closeStarted = performance.now();
    const closed = closing.close();
    // Fastify marks itself closing just before its server stops listening: from then on new requests are refused.
    await pollUntil('the console to stop listening', () => !closing.app.server.listening, { everyMs: 5 });
    const late = await http('GET', `${closing.url}/api/providers`).catch((err: Error) => ({ status: 0, text: err.message }));
    assert.ok(late.status === 503 || late.status === 0, `a new request during shutdown: ${late.status}`);
    const minted = await inFlight;
    assert.equal(minted.status, 200, 'the in-flight mint finished');
    await closed;
    // Not a timing goal: the connection of the in-flight mint must not hold the shutdown for the 72 s
    // keep-alive timeout (orchestrators kill after 10–30 s).
    assert.ok(performance.now() - closeStarted < 10_000, `shutdown took ${Math.round(performance.now() - closeStarted)} ms`);
    const [row] = await rawSql<{ outcome: string; detail: string }>(
      closing.database,
      `SELECT "outcome", "detail" FROM "AuditEvent" WHERE "action" = 'token.minted'`,
    );
    assert.ok(row, 'the mint has its audit row');
    assert.equal(row.outcome, 'ok');
    assert.equal(JSON.parse(row.detail).jti, minted.json.claims.jti);
  } finally {
    await emu.close();
    await closing.stop().catch(() => undefined);
  }
});
