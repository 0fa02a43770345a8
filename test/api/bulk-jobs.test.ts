// The list of past bulk jobs (issue 15, defect 2): a user finds their jobs again after a reload, audit readers
// see everyone's, results are kept BULK_RESULTS_RETENTION_MINUTES after a job ends and then deleted, on the
// console's clock (moved forward here, never slept on).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { addUser, startWithDemo, type TestConsole } from '../helpers/console.js';
import { http, signIn, type SessionCredentials } from '../helpers/http.js';
import { finishedJob } from '../helpers/bulk.js';
import { rawSql } from '../helpers/databases.js';

const RETENTION_MIN = 10;
let app: TestConsole;
let demo: { id: string; name: string; description?: string };
let offsetMs = 0;
before(async () => {
  ({ app, demo } = await startWithDemo(
    { LOG_LEVEL: 'warn', BULK_RESULTS_RETENTION_MINUTES: String(RETENTION_MIN) },
    { now: () => Date.now() + offsetMs },
  ));
});
after(() => app.stop());

const as = (s: SessionCredentials) => ({ cookie: s.cookie, 'x-csrf-token': s.csrfToken });
const list = async (headers: Record<string, string> = {}, query = '') => {
  const res = await http<any[]>('GET', `${app.url}/api/bulk-jobs${query}`, undefined, headers);
  assert.equal(res.status, 200, res.text);
  return res.json;
};
const startJob = async (count: number, headers: Record<string, string> = {}) => {
  const res = await http<any>('POST', `${app.url}/api/providers/${demo.id}/bulk`, { count }, headers);
  assert.equal(res.status, 202, res.text);
  return finishedJob(app.url, res.json.id, headers);
};

test("each user lists their own jobs; audit readers list everyone's with who started them; support never sees others'", async () => {
  const support = await addUser(app, 'support', [demo.id]);
  const admin = await addUser(app, 'admin');
  const [supportSession, adminSession] = await Promise.all([
    signIn(app.url, support.email, support.password),
    signIn(app.url, admin.email, admin.password),
  ]);
  const ownersJob = await startJob(3);
  const supportsJob = await startJob(2, as(supportSession));

  const mine = await list(as(supportSession));
  assert.deepEqual(
    mine.map((j) => j.id),
    [supportsJob.id],
    'support sees their job only',
  );
  const [row] = mine;
  assert.equal(row.providerId, demo.id);
  assert.equal(row.providerName, demo.description || demo.name);
  assert.equal(row.startedBy, support.email);
  assert.equal(row.state, 'done');
  assert.deepEqual([row.total, row.ok, row.failed], [2, 2, 0]);
  assert.equal(row.results.kept, true);
  assert.equal(row.results.downloadable, true, 'the starter may download');
  const expires = Date.parse(row.results.expiresAt) - Date.parse(row.finishedAt);
  assert.equal(expires, RETENTION_MIN * 60_000, 'kept for the retention after the job ended');
  assert.equal(JSON.stringify(mine).includes('eyJ'), false, 'no token in the list');

  for (const reader of [{}, as(adminSession)]) {
    const all = await list(reader);
    const ids = all.map((j) => j.id);
    assert.ok(ids.includes(ownersJob.id) && ids.includes(supportsJob.id), 'an audit reader sees every job');
    const others = all.find((j) => j.id === supportsJob.id);
    assert.equal(others.startedBy, support.email);
    assert.equal(others.results.downloadable, false, "another user's tokens are never offered");
  }
  // Downloads keep their rules: an audit reader still gets no other user's tokens.
  const refused = await http<any>('GET', `${app.url}/api/bulk/${supportsJob.id}/results?format=csv`, undefined, as(adminSession));
  assert.equal(refused.status, 403);
  // Newest first, and the provider filter narrows.
  const all = await list();
  assert.ok(all.findIndex((j) => j.id === supportsJob.id) < all.findIndex((j) => j.id === ownersJob.id));
  assert.equal((await list({}, `?providerId=${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`)).length, 0);
  assert.ok((await list({}, `?providerId=${demo.id}`)).length >= 2);
  assert.equal((await http('GET', `${app.url}/api/bulk-jobs?providerId=nope`)).status, 400);
});

test('a viewer (no token:mint) may not list bulk jobs', async () => {
  const viewer = await addUser(app, 'viewer');
  const session = await signIn(app.url, viewer.email, viewer.password);
  assert.equal((await http('GET', `${app.url}/api/bulk-jobs`, undefined, as(session))).status, 403);
});

test('results are deleted once the retention has passed: listed as expired, download refused with 410 and a reason', async () => {
  const job = await startJob(2);
  const stored = async () =>
    Number(
      (await rawSql<{ n: number | bigint }>(app.database, 'SELECT COUNT(*) AS "n" FROM "BulkResult" WHERE "jobId" = ?', [job.id]))[0]!.n,
    );
  assert.equal(await stored(), 2, 'its two result rows are stored');
  offsetMs += (RETENTION_MIN - 1) * 60_000;
  const kept = (await list()).find((j) => j.id === job.id);
  assert.equal(kept.results.kept, true, 'still kept a minute before the end');
  assert.equal((await http('GET', `${app.url}/api/bulk/${job.id}/results?format=csv`)).status, 200);

  offsetMs += 2 * 60_000;
  const expired = (await list()).find((j) => j.id === job.id);
  assert.ok(expired, 'an expired job stays listed');
  assert.deepEqual([expired.results.kept, expired.results.downloadable], [false, false]);
  assert.equal(await stored(), 0, 'the tokens are gone from the database');
  for (const format of ['csv', 'json']) {
    const res = await http<any>('GET', `${app.url}/api/bulk/${job.id}/results?format=${format}`);
    assert.equal(res.status, 410, res.text);
    assert.equal(res.json.error, 'bulk/expired');
    assert.match(res.json.message, /kept 10 minutes after a job ends/);
    assert.match(res.json.message, /start a new job/);
  }
  // Its progress view still answers, so a page open on it does not break.
  assert.equal((await http('GET', `${app.url}/api/bulk/${job.id}`)).status, 200);
});
