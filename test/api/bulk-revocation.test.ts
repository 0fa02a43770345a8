// A running bulk job answers to its owner's current rights (issue 13, F6): it re-checks the user's status,
// role and grant at least once a second by the service clock and stops as "revoked" when any is gone, with
// no mint begun after the check; what it minted before stays audited. Results downloads check the grant
// of the one downloading, and only the user who started a job may download its tokens.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { addUser, startTestConsole, type TestConsole } from '../helpers/console.js';
import { http, signIn, type SessionCredentials } from '../helpers/http.js';
import { finishedJob, jobProgress } from '../helpers/bulk.js';

interface Row {
  seq: number;
  actor: string;
  action: string;
  target: string | null;
  outcome: string;
  detail: Record<string, any>;
}

let app: TestConsole;
let offsetMs = 0;
let demoId: string;

before(async () => {
  app = await startTestConsole({ LOG_LEVEL: 'warn' }, { now: () => Date.now() + offsetMs });
  demoId = (await http<{ id: string }[]>('GET', `${app.url}/api/providers`)).json[0]!.id;
});
after(() => app.stop());

const as = (s: SessionCredentials) => ({ cookie: s.cookie, 'x-csrf-token': s.csrfToken });

async function auditRows(action?: string): Promise<Row[]> {
  const res = await http<Row[]>('GET', `${app.url}/api/audit?limit=500${action ? `&action=${action}` : ''}`);
  assert.equal(res.status, 200, res.text);
  return res.json;
}

async function job(id: string): Promise<any> {
  return (await http<any>('GET', `${app.url}/api/bulk/${id}`)).json;
}

const finished = (id: string) => finishedJob(app.url, id);

const REVOCATIONS = [
  {
    what: 'the grant on the provider is removed',
    revoke: (userId: string) => http('PUT', `${app.url}/api/users/${userId}/grants`, { providerIds: [] }),
    reason: /grant/,
  },
  {
    what: 'the role loses token:mint',
    revoke: (userId: string) => http('PATCH', `${app.url}/api/users/${userId}`, { role: 'viewer' }),
    reason: /role \(viewer\)/,
  },
  {
    what: 'the user is disabled',
    revoke: (userId: string) => http('PATCH', `${app.url}/api/users/${userId}`, { disabled: true }),
    reason: /disabled/,
  },
];

for (const { what, revoke, reason } of REVOCATIONS) {
  test(`a running job stops as "revoked" when ${what}; nothing is minted after the check`, async () => {
    const user = await addUser(app, 'support', [demoId]);
    const s = await signIn(app.url, user.email, user.password);
    const concurrency = 2;
    app.emulator!.faults.set({ latencyMs: 40 });
    let revokedAtSeq: number;
    let id: string;
    try {
      const start = await http<any>('POST', `${app.url}/api/providers/${demoId}/bulk`, { count: 500, concurrency }, as(s));
      assert.equal(start.status, 202, start.text);
      id = start.json.id;
      await jobProgress(app.url, id, 4);
      const res = await revoke(user.id);
      assert.equal(res.status, 200, res.text);
      revokedAtSeq = (await auditRows()).find((r) => r.target === user.id && /^user\./.test(r.action))!.seq;
      // A second later by the service clock, the job must have looked again.
      offsetMs += 1000;
      const stopped = await finished(id);
      assert.equal(stopped.state, 'revoked', `state ${stopped.state} after ${stopped.done} of 500`);
      assert.match(stopped.stopReason, reason);
      assert.ok(stopped.done < 500);
    } finally {
      app.emulator!.faults.clear();
    }
    const rows = (await auditRows('token.minted')).filter((r) => r.detail.jobId === id);
    const stopped = await job(id);
    assert.equal(rows.length, stopped.done, 'every row the job attempted has its audit row, and no other');
    assert.equal(rows.filter((r) => r.outcome === 'ok').length, stopped.ok, 'the tokens minted before the stop stay audited');
    const late = rows.filter((r) => r.seq > revokedAtSeq);
    assert.ok(
      late.length <= concurrency,
      `${late.length} mints begun after the revocation (at most one per worker, before the clock moved)`,
    );
    const [stop] = (await auditRows('bulk.revoked')).filter((r) => r.detail.jobId === id);
    assert.ok(stop, 'the stop is in the audit log');
    assert.equal(stop.actor, 'system');
    assert.equal(stop.detail.startedBy, user.email);
    assert.ok(
      rows.every((r) => r.seq < stop.seq),
      'no mint of the job was begun after the check that stopped it',
    );
  });
}

test('results downloads re-check the grant of the one downloading, and are audited', async () => {
  const user = await addUser(app, 'support', [demoId]);
  const s = await signIn(app.url, user.email, user.password);
  const start = await http<any>('POST', `${app.url}/api/providers/${demoId}/bulk`, { count: 3 }, as(s));
  const done = await finished(start.json.id);
  assert.equal(done.state, 'done');
  const ok = await http<any[]>('GET', `${app.url}/api/bulk/${done.id}/results?format=json`, undefined, as(s));
  assert.equal(ok.status, 200);
  assert.equal(ok.json.length, 3);

  assert.equal((await http('PUT', `${app.url}/api/users/${user.id}/grants`, { providerIds: [] })).status, 200);
  for (const format of ['json', 'csv']) {
    const refused = await http<any>('GET', `${app.url}/api/bulk/${done.id}/results?format=${format}`, undefined, as(s));
    assert.equal(refused.status, 403, refused.text);
    assert.equal(refused.json.error, 'auth/not_granted');
    assert.equal(/eyJ/.test(refused.text), false, 'no token in the refusal');
  }
  const downloads = (await auditRows('bulk.results_downloaded')).filter((r) => r.detail.jobId === done.id);
  assert.deepEqual(
    downloads.map((r) => [r.actor, r.outcome, r.detail.format]),
    [
      [user.email, 'auth/not_granted', 'csv'],
      [user.email, 'auth/not_granted', 'json'],
      [user.email, 'ok', 'json'],
    ],
  );
  assert.equal(downloads[2]!.detail.tokens, 3);

  assert.equal((await http('PUT', `${app.url}/api/users/${user.id}/grants`, { providerIds: [demoId] })).status, 200);
  assert.equal(
    (await http('GET', `${app.url}/api/bulk/${done.id}/results?format=csv`, undefined, as(s))).status,
    200,
    'granted again, the owner of the job downloads again',
  );
});
