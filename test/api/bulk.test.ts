// Bulk minting over real HTTP: template and CSV, progress, cancel with partial results, CSV/JSON output.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { addUser, startWithDemo, type TestConsole } from '../helpers/console.js';
import { auditFault } from '../helpers/databases.js';
import { http, signIn, type SessionCredentials } from '../helpers/http.js';
import { finishedJob, jobProgress } from '../helpers/bulk.js';

let app: TestConsole;
let demo: any;
before(async () => {
  ({ app, demo } = await startWithDemo({ LOG_LEVEL: 'warn' }));
});
after(() => app.stop());

const as = (s: SessionCredentials) => ({ cookie: s.cookie, 'x-csrf-token': s.csrfToken });

const finished = (jobId: string) => finishedJob(app.url, jobId);

test('200 tokens from a template: every row minted, results as CSV and JSON with launch links', async () => {
  const start = await http<any>('POST', `${app.url}/api/providers/${demo.id}/bulk`, {
    count: 200,
    template: { email: 'kiosk-{n}@example.com', first_name: 'Kiosk {n}', metadata: { seat: 'S{n}' } },
    concurrency: 16,
    launchLink: 'https://console.nutanix.com/x/launch',
    quitAndLogout: true,
  });
  assert.equal(start.status, 202);
  assert.equal(start.json.total, 200);
  const job = await finished(start.json.id);
  assert.deepEqual([job.state, job.done, job.ok, job.failed], ['done', 200, 200, 0]);
  assert.ok(job.ratePerSecond > 0);

  const csv = await http('GET', `${app.url}/api/bulk/${job.id}/results?format=csv`);
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type') ?? '', /text\/csv/);
  assert.equal(csv.headers.get('cache-control'), 'no-store');
  const lines = csv.text.trim().split('\r\n');
  assert.equal(lines[0], 'row,ok,token,launch_link,exp,sub,email,jti,error,message');
  assert.equal(lines.length, 201);
  const json = (await http<any[]>('GET', `${app.url}/api/bulk/${job.id}/results?format=json`)).json;
  assert.equal(json.length, 200);
  const row7 = json.find((r) => r.row === 7);
  const claims = JSON.parse(Buffer.from(row7.token.split('.')[1], 'base64url').toString());
  assert.deepEqual([claims.email, claims.first_name, claims.metadata.seat], ['kiosk-7@example.com', 'Kiosk 7', 'S7']);
  assert.equal(row7.launchLink, `https://console.nutanix.com/x/launch#token=${row7.token}&qlo=1`);
  assert.equal(row7.exp, claims.exp);
});

test('CSV rows, with per-row failures listed with reasons', async () => {
  const csv = 'first_name,email,metadata\nAnn,ann@example.com,"{""a"": 1}"\nBob,bob@example.com,\n';
  const start = await http<any>('POST', `${app.url}/api/providers/${demo.id}/bulk`, { csv });
  const job = await finished(start.json.id);
  assert.deepEqual([job.state, job.ok], ['done', 2]);
  const bad = await http<any>('POST', `${app.url}/api/providers/${demo.id}/bulk`, { csv: 'first_name,email\nAnn,nope\n' });
  assert.equal(bad.status, 400);
  assert.match(bad.json.message, /line 2: email must look like/);
  const failing = await http<any>('POST', `${app.url}/api/providers/${demo.id}/bulk`, { count: 3, template: { email_domain: 'bad_{n}' } });
  const failed = await finished(failing.json.id);
  assert.deepEqual([failed.ok, failed.failed], [0, 3]);
  assert.match(failed.failures[0].message, /email_domain must be a domain name/);
});

test('cancel a bulk of 10,000 midway and download the partial results', async () => {
  const start = await http<any>('POST', `${app.url}/api/providers/${demo.id}/bulk`, { count: 10000, concurrency: 4 });
  await jobProgress(app.url, start.json.id, 1);
  const running = await http<any>('GET', `${app.url}/api/bulk/${start.json.id}`);
  assert.equal(running.json.state, 'running');
  assert.equal((await http<any>('GET', `${app.url}/api/bulk/${start.json.id}/results`)).status, 409, 'no results while running');
  await http('POST', `${app.url}/api/bulk/${start.json.id}/cancel`, {});
  const job = await finished(start.json.id);
  assert.equal(job.state, 'cancelled');
  assert.ok(job.done > 0 && job.done < 10000, `done ${job.done}`);
  const json = (await http<any[]>('GET', `${app.url}/api/bulk/${job.id}/results?format=json`)).json;
  assert.equal(json.length, job.done);
});

test('bad bulk requests get 4xx', async () => {
  const cases: [string, unknown, number][] = [
    [`/api/providers/${demo.id}/bulk`, { count: 0 }, 400],
    [`/api/providers/${demo.id}/bulk`, { count: 10001 }, 400],
    [`/api/providers/${demo.id}/bulk`, {}, 400],
    [`/api/providers/${demo.id}/bulk`, { count: 1, concurrency: 33 }, 400],
    [`/api/providers/${demo.id}/bulk`, { count: 1, template: { metadata: [] } }, 400],
    [`/api/providers/${demo.id}/bulk`, { count: 1, launchLink: 'nope' }, 400],
    [`/api/providers/${randomUUID()}/bulk`, { count: 1 }, 404],
  ];
  for (const [path, body, status] of cases)
    assert.equal((await http('POST', `${app.url}${path}`, body)).status, status, JSON.stringify(body));
  assert.equal((await http('GET', `${app.url}/api/bulk/${randomUUID()}`)).status, 404);
  assert.equal((await http('GET', `${app.url}/api/bulk/not-a-uuid`)).status, 400);
});

test("a support user sees only their own jobs; owners and admins (audit readers) see and cancel everyone's, but only the starter gets the tokens", async () => {
  const support = await addUser(app, 'support', [demo.id]);
  const admin = await addUser(app, 'admin');
  const [supportSession, adminSession] = await Promise.all([
    signIn(app.url, support.email, support.password),
    signIn(app.url, admin.email, admin.password),
  ]);

  const ownersJob = (await http<any>('POST', `${app.url}/api/providers/${demo.id}/bulk`, { count: 2 })).json;
  const supportsJob = (await http<any>('POST', `${app.url}/api/providers/${demo.id}/bulk`, { count: 2 }, as(supportSession))).json;
  await finished(ownersJob.id);
  await finished(supportsJob.id);

  // Another user's job does not exist for support: status, results and cancel all answer 404.
  assert.equal((await http('GET', `${app.url}/api/bulk/${ownersJob.id}`, undefined, as(supportSession))).status, 404);
  assert.equal((await http('GET', `${app.url}/api/bulk/${ownersJob.id}/results?format=json`, undefined, as(supportSession))).status, 404);
  assert.equal((await http('POST', `${app.url}/api/bulk/${ownersJob.id}/cancel`, {}, as(supportSession))).status, 404);
  assert.equal((await http('GET', `${app.url}/api/bulk/${supportsJob.id}`, undefined, as(supportSession))).status, 200);
  // The owner (this console's default session) and an admin see the support user's job and may cancel it...
  const seen = await http<any>('GET', `${app.url}/api/bulk/${supportsJob.id}`);
  assert.equal(seen.status, 200);
  assert.equal(seen.json.startedBy, support.email);
  assert.equal((await http('POST', `${app.url}/api/bulk/${supportsJob.id}/cancel`, {}, as(adminSession))).status, 200);
  // ...but no token of another user reaches them: the results go to the user who started the job only.
  for (const who of [{}, as(adminSession)]) {
    for (const format of ['json', 'csv']) {
      const results = await http<any>('GET', `${app.url}/api/bulk/${supportsJob.id}/results?format=${format}`, undefined, who);
      assert.equal(results.status, 403, results.text);
      assert.equal(results.json.error, 'bulk/not_owner');
      assert.equal(/eyJ/.test(results.text), false);
    }
  }
  const own = await http<any[]>('GET', `${app.url}/api/bulk/${supportsJob.id}/results?format=json`, undefined, as(supportSession));
  assert.equal(own.status, 200);
  assert.equal(own.json.length, 2);
});

test('cancel and results downloads are audited, and fail closed: no row, no download', async () => {
  const start = await http<any>('POST', `${app.url}/api/providers/${demo.id}/bulk`, { count: 10000, concurrency: 2 });
  assert.equal(start.status, 202);
  const cancel = await http<any>('POST', `${app.url}/api/bulk/${start.json.id}/cancel`, {});
  assert.equal(cancel.status, 200);
  const job = await finished(start.json.id);
  assert.equal(job.state, 'cancelled');
  assert.match(job.stopReason, /Cancelled by owner@example\.test/);
  assert.equal((await http('GET', `${app.url}/api/bulk/${job.id}/results?format=csv`)).status, 200);
  const rows = (await http<any[]>('GET', `${app.url}/api/audit?limit=50`)).json.filter(
    (r) => r.detail.jobId === job.id && r.action !== 'token.minted',
  );
  assert.deepEqual(rows.map((r) => [r.action, r.outcome, r.actor]).reverse(), [
    ['bulk.started', 'ok', 'owner@example.test'],
    ['bulk.cancelled', 'ok', 'owner@example.test'],
    ['bulk.results_downloaded', 'ok', 'owner@example.test'],
  ]);
  assert.equal(rows[0]!.detail.format, 'csv');
  assert.equal(rows[0]!.detail.tokens, job.ok);

  const restore = await auditFault(app, 'insert');
  try {
    for (const format of ['csv', 'json']) {
      const refused = await http<any>('GET', `${app.url}/api/bulk/${job.id}/results?format=${format}`);
      assert.equal(refused.status, 503, refused.text);
      assert.equal(refused.json.error, 'audit/unavailable');
      assert.equal(/eyJ/.test(refused.text), false, 'no token without its audit row');
    }
    assert.equal((await http<any>('POST', `${app.url}/api/bulk/${job.id}/cancel`, {})).status, 503);
  } finally {
    await restore();
  }
});
