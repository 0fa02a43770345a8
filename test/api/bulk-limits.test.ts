// Bulk limits (issue 13, F6): per-role daily token quotas counted over the Playground and bulk (seeded
// from the audit log, so they survive a restart), a per-user limit of running jobs, and one global cap on
// the upstream calls of all bulk jobs together, which interactive mints do not queue behind.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { addUser, startTestConsole, type TestConsole } from '../helpers/console.js';
import { http, signIn, type SessionCredentials } from '../helpers/http.js';
import { providerName } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/tmp.js';
import { finishedJob, jobProgress } from '../helpers/bulk.js';
import { pollUntil } from '../helpers/poll.js';

const DAY_MS = 86_400_000;
// The console's clock starts a quarter of an hour before a UTC midnight, so a test can cross into the next
// day by moving it 20 minutes, well within a session's idle time.
let offsetMs = DAY_MS - (Date.now() % DAY_MS) - 15 * 60_000;
let app: TestConsole;
let demo: { id: string; name: string; entityLevel: string; entityId: string; credentialSetId: string };

before(async () => {
  app = await startTestConsole(
    { LOG_LEVEL: 'warn', TOKEN_QUOTA_PER_DAY_SUPPORT: '30', BULK_MAX_RUNNING_JOBS: '2', BULK_MAX_CONCURRENT_CALLS: '3' },
    { now: () => Date.now() + offsetMs },
  );
  [demo] = (await http<(typeof demo)[]>('GET', `${app.url}/api/providers`)).json as [typeof demo];
});
after(() => app.stop());

const as = (s: SessionCredentials) => ({ cookie: s.cookie, 'x-csrf-token': s.csrfToken });

const finished = (jobId: string, who?: SessionCredentials) => finishedJob(app.url, jobId, who ? as(who) : {});

test('support: a daily token quota over Playground and bulk, and at most 2 running jobs; a refused start says why', async () => {
  const user = await addUser(app, 'support', [demo.id]);
  const s = await signIn(app.url, user.email, user.password);
  // Two Playground tokens before anything asked for the quota: the count starts from the audit log.
  for (let i = 0; i < 2; i++) assert.equal((await http('POST', `${app.url}/api/providers/${demo.id}/tokens`, {}, as(s))).status, 200);
  const first = await http<any>('GET', `${app.url}/api/quota`, undefined, as(s));
  assert.equal(first.status, 200, first.text);
  assert.deepEqual(first.json.tokens, { used: 2, reserved: 0, limit: 30, remaining: 28 });
  assert.deepEqual(first.json.jobs, { running: 0, limit: 2 });
  assert.equal(first.json.day, new Date(Date.now() + offsetMs).toISOString().slice(0, 10));

  app.emulator!.faults.set({ latencyMs: 150 });
  try {
    const a = await http<any>('POST', `${app.url}/api/providers/${demo.id}/bulk`, { count: 10, concurrency: 1 }, as(s));
    const b = await http<any>('POST', `${app.url}/api/providers/${demo.id}/bulk`, { count: 10, concurrency: 1 }, as(s));
    assert.deepEqual([a.status, b.status], [202, 202], a.text + b.text);
    const busy = (await http<any>('GET', `${app.url}/api/quota`, undefined, as(s))).json;
    assert.equal(busy.jobs.running, 2);
    assert.equal(busy.tokens.used + busy.tokens.reserved, 22, 'a job holds its whole count while it runs');

    const third = await http<any>('POST', `${app.url}/api/providers/${demo.id}/bulk`, { count: 1 }, as(s));
    assert.equal(third.status, 429, third.text);
    assert.equal(third.json.error, 'bulk/too_many_jobs');
    assert.match(third.json.message, /2 bulk jobs running.*at most 2/);

    // A cancelled job gives back what it did not mint.
    await jobProgress(app.url, a.json.id, 1);
    assert.equal((await http('POST', `${app.url}/api/bulk/${a.json.id}/cancel`, {}, as(s))).status, 200);
    const cancelled = await finished(a.json.id);
    assert.equal(cancelled.state, 'cancelled');
    const after = (await http<any>('GET', `${app.url}/api/quota`, undefined, as(s))).json;
    assert.equal(after.jobs.running, 1);
    const { used, reserved, remaining } = after.tokens;
    assert.equal(used + reserved + remaining, 30);
    assert.ok(remaining >= 30 - 2 - 10 - cancelled.ok, `remaining ${remaining}`);

    const tooMany = await http<any>('POST', `${app.url}/api/providers/${demo.id}/bulk`, { count: remaining + 1 }, as(s));
    assert.equal(tooMany.status, 429, tooMany.text);
    assert.equal(tooMany.json.error, 'quota/exceeded');
    assert.match(tooMany.json.message, new RegExp(`${remaining + 1} tokens.*${remaining} of the 30`));
    assert.match(tooMany.json.message, /00:00 UTC/);
    assert.ok(Number(tooMany.headers.get('retry-after')) > 0, 'Retry-After: the next UTC day');
    const fits = await http<any>('POST', `${app.url}/api/providers/${demo.id}/bulk`, { count: remaining }, as(s));
    assert.equal(fits.status, 202, fits.text);
    await http('POST', `${app.url}/api/bulk/${fits.json.id}/cancel`, {}, as(s));
    await finished(fits.json.id);
    await finished(b.json.id);
  } finally {
    app.emulator!.faults.clear();
  }

  // Every token minted is counted, and only those: the quota agrees with the audit log.
  const rows = (await http<any[]>('GET', `${app.url}/api/audit?action=token.minted&actor=${encodeURIComponent(user.email)}&limit=500`))
    .json;
  const settled = (await http<any>('GET', `${app.url}/api/quota`, undefined, as(s))).json;
  assert.deepEqual(settled.tokens, {
    used: rows.filter((r) => r.outcome === 'ok').length,
    reserved: 0,
    limit: 30,
    remaining: 30 - settled.tokens.used,
  });
  assert.equal(settled.jobs.running, 0);

  // A new UTC day starts from zero.
  offsetMs += 20 * 60_000;
  const tomorrow = (await http<any>('GET', `${app.url}/api/quota`, undefined, as(s))).json;
  assert.deepEqual(tomorrow.tokens, { used: 0, reserved: 0, limit: 30, remaining: 30 });
  assert.equal(tomorrow.day, new Date(Date.now() + offsetMs).toISOString().slice(0, 10));
});

test('owners and admins have their own daily limits (100,000 and 50,000 by default)', async () => {
  const mine = (await http<any>('GET', `${app.url}/api/quota`)).json;
  assert.equal(mine.tokens.limit, 100_000);
  const admin = await addUser(app, 'admin');
  const s = await signIn(app.url, admin.email, admin.password);
  assert.equal((await http<any>('GET', `${app.url}/api/quota`, undefined, as(s))).json.tokens.limit, 50_000);
  const viewer = await addUser(app, 'viewer');
  assert.equal(
    (await http('GET', `${app.url}/api/quota`, undefined, as(await signIn(app.url, viewer.email, viewer.password)))).status,
    403,
    'viewers do not mint',
  );
});

test("the day's count survives a restart: it is read back from the audit log", async () => {
  const dir = tempDir('sat-quota-');
  try {
    let running = await startTestConsole({ LOG_LEVEL: 'warn', TOKEN_QUOTA_PER_DAY_SUPPORT: '10' }, { dataDir: dir.path });
    const [p] = (await http<{ id: string }[]>('GET', `${running.url}/api/providers`)).json;
    const user = await addUser(running, 'support', [p!.id]);
    let s = await signIn(running.url, user.email, user.password);
    const job = await http<any>('POST', `${running.url}/api/providers/${p!.id}/bulk`, { count: 4 }, as(s));
    assert.equal(job.status, 202, job.text);
    await finishedJob(running.url, job.json.id, as(s));
    assert.equal((await http<any>('GET', `${running.url}/api/quota`, undefined, as(s))).json.tokens.used, 4);
    await running.stop();

    running = await startTestConsole({ LOG_LEVEL: 'warn', TOKEN_QUOTA_PER_DAY_SUPPORT: '10' }, { dataDir: dir.path });
    s = await signIn(running.url, user.email, user.password);
    assert.deepEqual((await http<any>('GET', `${running.url}/api/quota`, undefined, as(s))).json.tokens, {
      used: 4,
      reserved: 0,
      limit: 10,
      remaining: 6,
    });
    const over = await http<any>('POST', `${running.url}/api/providers/${p!.id}/bulk`, { count: 7 }, as(s));
    assert.deepEqual([over.status, over.json.error], [429, 'quota/exceeded']);
    await running.stop();
  } finally {
    dir.cleanup();
  }
});

test('bulk calls of all jobs together never exceed BULK_MAX_CONCURRENT_CALLS, and an interactive mint does not wait behind them', async () => {
  // A second provider on the same emulator for the interactive mint, so the emulator can tell the two apart.
  const interactive = await http<{ id: string }>('POST', `${app.url}/api/providers`, {
    name: providerName(),
    tokenDurationMin: 60,
    entityLevel: demo.entityLevel,
    entityId: demo.entityId,
    credentialSetId: demo.credentialSetId,
  });
  assert.equal(interactive.status, 201, interactive.text);
  let inFlight = 0;
  let peak = 0;
  const count = (req: IncomingMessage, res: ServerResponse) => {
    if (!req.url?.startsWith('/emulator/') || !req.url.includes(demo.name)) return;
    inFlight++;
    peak = Math.max(peak, inFlight);
    res.once('close', () => inFlight--);
  };
  app.app.server.on('request', count);
  const admin = await addUser(app, 'admin');
  const adminSession = await signIn(app.url, admin.email, admin.password);
  app.emulator!.faults.set({ latencyMs: 60 });
  try {
    // Four jobs of two users, 8 workers each: 32 calls would be in flight without the cap.
    const jobs: string[] = [];
    for (const who of [undefined, undefined, adminSession, adminSession]) {
      const res = await http<any>('POST', `${app.url}/api/providers/${demo.id}/bulk`, { count: 24, concurrency: 8 }, who ? as(who) : {});
      assert.equal(res.status, 202, res.text);
      jobs.push(res.json.id);
    }
    await pollUntil('3 bulk calls in flight at the emulator', () => inFlight >= 3, { everyMs: 5 });
    assert.equal(inFlight, 3, 'the bulk jobs fill the cap');
    const mint = await http('POST', `${app.url}/api/providers/${interactive.json.id}/tokens`, {});
    assert.equal(mint.status, 200, mint.text);
    const states = await Promise.all(jobs.map(async (id) => (await http<any>('GET', `${app.url}/api/bulk/${id}`)).json));
    assert.deepEqual(
      states.map((j) => j.state),
      ['running', 'running', 'running', 'running'],
      'the interactive mint finished while every bulk job was still running',
    );
    const done = await Promise.all(jobs.map((id) => finished(id)));
    assert.deepEqual(
      done.map((j) => [j.state, j.ok]),
      jobs.map(() => ['done', 24]),
    );
    assert.equal(peak, 3, `at most 3 bulk calls in flight at the emulator (saw ${peak})`);
  } finally {
    app.emulator!.faults.clear();
    app.app.server.off('request', count);
  }
});
