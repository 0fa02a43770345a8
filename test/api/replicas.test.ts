// test-backends: sqlite — it starts its own two PostgreSQL replicas, whichever backend the pass is on; once is enough.
// Two console processes on one PostgreSQL database, as the `ha` compose profile runs them (issue 16): what one
// replica does, the other sees on its very next request; the audit chain stays one chain under load from
// both; bulk jobs are shown, cancelled and downloaded from either; a replica killed mid-job leaves a job
// the other marks failed within a bounded time, with every token it returned audited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../server/paths.js';
import { sharedPostgres } from '../helpers/postgres.js';
import { startReplica, type Replica } from '../helpers/replicas.js';
import { addUser, OWNER } from '../helpers/console.js';
import { http, signIn, useSession, type SessionCredentials } from '../helpers/http.js';
import { providerName } from '../helpers/fixtures.js';
import { pollUntil } from '../helpers/poll.js';
import { rawSql } from '../helpers/databases.js';
import { verifyWithJwks } from '../helpers/verify-token.js';
import { DEFAULT_POOL_SIZE, DEFAULT_STATEMENT_TIMEOUT_MS, type DatabaseTarget } from '../../server/db/backend.js';

const env: Record<string, string> = {
  SAT_MASTER_KEY: randomBytes(32).toString('hex'),
  BULK_RUNNER_TIMEOUT_SECONDS: '3',
  TOKEN_QUOTA_PER_DAY_SUPPORT: '6',
};
let database: DatabaseTarget;
let a: Replica;
let b: Replica;
let owner: SessionCredentials;
let demo: { id: string; credentialSetId: string };

before(async () => {
  env.DATABASE_URL = await (await sharedPostgres()).createDatabase('replicas');
  database = {
    backend: 'postgresql',
    url: env.DATABASE_URL,
    poolSize: DEFAULT_POOL_SIZE,
    statementTimeoutMs: DEFAULT_STATEMENT_TIMEOUT_MS,
  };
  // Started together on an empty database: they migrate in turn, and the owner and demo data are made once.
  [a, b] = await Promise.all([startReplica('a', env), startReplica('b', env)]);
  owner = await signIn(a.url, OWNER.email, OWNER.password);
  useSession(a.url, owner);
  useSession(b.url, owner);
  const providers = await http<{ id: string; credentialSetId: string }[]>('GET', `${a.url}/api/providers`);
  assert.equal(providers.json.length, 1, 'one demo provider, not one per replica');
  demo = providers.json[0]!;
});

after(async () => {
  for (const r of [a, b]) if (r) await r.stop();
  useSession(a?.url ?? 'http://x', null);
  useSession(b?.url ?? 'http://x', null);
});

function verifyAudit(): { ok: boolean; text: string } {
  const run = spawnSync(process.execPath, [join(PROJECT_ROOT, 'dist/server/cli/verify-audit.js')], {
    env: { ...process.env, ...env, DATA_DIR: join(PROJECT_ROOT, '.tmp', 'no-data-dir') },
    encoding: 'utf8',
  });
  return { ok: run.status === 0, text: `${run.stdout}${run.stderr}` };
}

test('a session signed in on A works on B, and signing out on A ends it on B at once', async () => {
  const session = await signIn(a.url, OWNER.email, OWNER.password);
  assert.equal((await http('GET', `${b.url}/api/session`, undefined, { cookie: session.cookie })).status, 200);
  const out = await http('DELETE', `${a.url}/api/session`, undefined, { cookie: session.cookie, 'x-csrf-token': session.csrfToken });
  assert.ok(out.status < 300, out.text);
  const ended = await http<{ signedIn: boolean }>('GET', `${b.url}/api/session`, undefined, { cookie: session.cookie });
  assert.equal(ended.json.signedIn, false, `B still accepts the ended session: ${ended.text}`);
  assert.equal((await http('GET', `${b.url}/api/providers`, undefined, { cookie: session.cookie })).status, 401);
});

test('a provider created on A mints on B at once, and the token verifies against either JWKS; deleted on A, B refuses it at once', async () => {
  const created = await http<{ id: string }>('POST', `${a.url}/api/providers`, {
    name: providerName(),
    tokenDurationMin: 30,
    entityLevel: 'account',
    entityId: randomUUID(),
    credentialSetId: demo.credentialSetId,
  });
  assert.equal(created.status, 201, created.text);
  const minted = await http<{ token: string }>('POST', `${b.url}/api/providers/${created.json.id}/tokens`, {});
  assert.equal(minted.status, 200, minted.text);
  // Signed by B's built-in emulator with the one key the replicas share: A's key set verifies it.
  const jwks = (await http<{ keys: object[] }>('GET', `${a.url}/emulator/.well-known/jwks.json`)).json;
  assert.equal((await verifyWithJwks(minted.json.token, jwks)).ok, true, "B's token does not verify against A's JWKS");
  assert.equal((await http('DELETE', `${a.url}/api/providers/${created.json.id}`)).status, 204);
  assert.equal((await http('POST', `${b.url}/api/providers/${created.json.id}/tokens`, {})).status, 404);
});

test('a grant revoked on A is refused on B at once', async () => {
  const support = await addUser({ url: a.url } as never, 'support', [demo.id]);
  const session = await signIn(b.url, support.email, support.password);
  const as = { cookie: session.cookie, 'x-csrf-token': session.csrfToken };
  assert.equal((await http('POST', `${b.url}/api/providers/${demo.id}/tokens`, {}, as)).status, 200, 'granted: B mints');
  assert.equal((await http('PUT', `${a.url}/api/users/${support.id}/grants`, { providerIds: [] })).status, 200);
  const refused = await http('POST', `${b.url}/api/providers/${demo.id}/tokens`, {}, as);
  assert.equal(refused.status, 403, `B still honours the revoked grant: ${refused.status} ${refused.text}`);
});

test('a daily quota is one count across replicas: tokens minted on A count on B, a bulk job on B cannot take them twice', async () => {
  const support = await addUser({ url: a.url } as never, 'support', [demo.id]);
  const onA = await signIn(a.url, support.email, support.password);
  const onB = await signIn(b.url, support.email, support.password);
  const asA = { cookie: onA.cookie, 'x-csrf-token': onA.csrfToken };
  const asB = { cookie: onB.cookie, 'x-csrf-token': onB.csrfToken };
  for (let i = 0; i < 3; i++) assert.equal((await http('POST', `${a.url}/api/providers/${demo.id}/tokens`, {}, asA)).status, 200);
  const quota = (await http<{ tokens: { used: number; remaining: number } }>('GET', `${b.url}/api/quota`, undefined, asB)).json;
  assert.deepEqual([quota.tokens.used, quota.tokens.remaining], [3, 3], 'B counts what A minted');
  // Two starts at once, one on each replica, for 3 tokens each: only one fits in what is left.
  const [x, y] = await Promise.all([
    http<{ error?: string }>('POST', `${a.url}/api/providers/${demo.id}/bulk`, { count: 3 }, asA),
    http<{ error?: string }>('POST', `${b.url}/api/providers/${demo.id}/bulk`, { count: 3 }, asB),
  ]);
  assert.deepEqual([x.status, y.status].sort(), [202, 429], `${x.text} ${y.text}`);
  assert.equal([x, y].find((r) => r.status === 429)!.json.error, 'quota/exceeded');
  assert.equal((await http('POST', `${b.url}/api/providers/${demo.id}/tokens`, {}, asB)).status, 429, 'nothing left on B either');
});

test('liveness asks nothing of the database: with the version table gone, /api/health answers and the rest refuses', async () => {
  await rawSql(database, 'ALTER TABLE "CacheGeneration" RENAME TO "CacheGenerationAway"');
  try {
    assert.equal((await http('GET', `${a.url}/api/health`)).status, 200);
    assert.equal((await http('GET', `${a.url}/api/providers`)).status >= 500, true, 'a request that needs fresh caches is refused');
  } finally {
    await rawSql(database, 'ALTER TABLE "CacheGenerationAway" RENAME TO "CacheGeneration"');
  }
  assert.equal((await http('GET', `${a.url}/api/providers`)).status, 200);
});

test('200 concurrent mints spread over both replicas: every one audited, and the chain verifies', async () => {
  const before = Number(
    (await rawSql<{ n: bigint }>(database, `SELECT COUNT(*) AS n FROM "AuditEvent" WHERE "action" = 'token.minted'`))[0]!.n,
  );
  const results = await Promise.all(
    Array.from({ length: 200 }, (_, i) => http('POST', `${(i % 2 ? a : b).url}/api/providers/${demo.id}/tokens`, {})),
  );
  assert.deepEqual(
    results.filter((r) => r.status !== 200).map((r) => `${r.status} ${r.text}`),
    [],
  );
  const rows = await rawSql<{ outcome: string; n: bigint }>(
    database,
    `SELECT "outcome", COUNT(*) AS n FROM "AuditEvent" WHERE "action" = 'token.minted' GROUP BY "outcome"`,
  );
  const total = rows.reduce((sum, r) => sum + Number(r.n), 0);
  assert.equal(total - before, 200, 'one row per mint');
  assert.deepEqual(
    rows.map((r) => r.outcome),
    ['ok'],
  );
  const verified = verifyAudit();
  assert.ok(verified.ok, verified.text);
  assert.match(verified.text, /intact/);
});

async function job(origin: string, id: string) {
  return (await http<{ state: string; done: number; ok: number; stopReason: string | null }>('GET', `${origin}/api/bulk/${id}`)).json;
}

test('a bulk job started on A is followed and cancelled on B, and a finished one downloads on B', async () => {
  const started = await http<{ id: string }>('POST', `${a.url}/api/providers/${demo.id}/bulk`, { count: 5000, concurrency: 2 });
  assert.equal(started.status, 202, started.text);
  await pollUntil('the job to make progress, as B sees it', async () => (await job(b.url, started.json.id)).done > 0);
  assert.equal((await http('POST', `${b.url}/api/bulk/${started.json.id}/cancel`, {})).status, 200);
  const cancelled = await pollUntil('A to stop the job cancelled on B', async () => {
    const j = await job(b.url, started.json.id);
    return j.state !== 'running' && j;
  });
  assert.equal(cancelled.state, 'cancelled');
  assert.match(cancelled.stopReason ?? '', /Cancelled by/);
  assert.ok(cancelled.done < 5000);

  const small = await http<{ id: string }>('POST', `${a.url}/api/providers/${demo.id}/bulk`, { count: 7 });
  await pollUntil('the small job to finish', async () => (await job(b.url, small.json.id)).state === 'done');
  const csv = await http('GET', `${b.url}/api/bulk/${small.json.id}/results?format=csv`);
  assert.equal(csv.status, 200, csv.text);
  assert.equal(csv.text.trim().split(/\r?\n/).length, 8, 'a header and 7 rows');
  assert.equal((csv.text.match(/^\d+,true,eyJ[\w-]+\.eyJ/gm) ?? []).length, 7, 'seven rows with a token');
});

test('A killed (SIGKILL) mid-job: B marks the job failed within the bound, every token it returned is audited, the chain verifies', async () => {
  const started = await http<{ id: string }>('POST', `${a.url}/api/providers/${demo.id}/bulk`, { count: 5000, concurrency: 2 });
  assert.equal(started.status, 202, started.text);
  await pollUntil('the job to have minted some tokens', async () => (await job(b.url, started.json.id)).ok >= 20);
  await a.kill();
  const killedAt = Date.now();
  const failed = await pollUntil(
    'B to mark the orphaned job failed',
    async () => {
      const j = await job(b.url, started.json.id);
      return j.state !== 'running' && j;
    },
    { timeoutMs: 30_000 },
  );
  const took = Date.now() - killedAt;
  assert.equal(failed.state, 'failed');
  assert.match(failed.stopReason ?? '', /console process running it stopped/);
  assert.ok(took < 3_000 + 5_000 + 2_000, `marked failed ${took} ms after the kill (timeout 3 s + sweep every 5 s)`);

  const json = await http<{ row: number; ok: boolean; jti?: string }[]>('GET', `${b.url}/api/bulk/${started.json.id}/results?format=json`);
  assert.equal(json.status, 200, json.text);
  const returned = json.json.filter((r) => r.ok);
  assert.ok(returned.length >= 20);
  const audited = new Set(
    (
      await rawSql<{ detail: string }>(
        database,
        `SELECT "detail" FROM "AuditEvent" WHERE "bulkJobId" = ? AND "action" = 'token.minted' AND "outcome" = 'ok'`,
        [started.json.id],
      )
    ).map((r) => (JSON.parse(r.detail) as { jti?: string }).jti),
  );
  assert.deepEqual(
    returned.filter((r) => !audited.has(r.jti)).map((r) => r.row),
    [],
    'a returned token without its completed audit row',
  );
  const verified = verifyAudit();
  assert.ok(verified.ok, verified.text);
});
