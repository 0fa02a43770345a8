// F6 of issue 14, with results in the database (issue 16): a bulk job whose results cannot be stored must
// end `failed` with a message a person can act on, and the console must live on; a failed job is logged.
// The failure is the database's own: a trigger refuses the result rows, as a full disk or a dropped
// connection would.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWithDemo, type TestConsole } from '../helpers/console.js';
import { finishedJob } from '../helpers/bulk.js';
import { http } from '../helpers/http.js';
import { auditFault, refuseWrites } from '../helpers/databases.js';

let app: TestConsole;
let demo: { id: string };

before(async () => {
  ({ app, demo } = await startWithDemo());
});
after(() => app?.stop());

function loggedFailure(jobId: string): string | undefined {
  return app
    .logs()
    .split('\n')
    .find((l) => l.includes('bulk job failed') && l.includes(jobId));
}

test('results the database refuses to store: the job ends failed, says why, is logged; the console lives on', async () => {
  const restore = await refuseWrites(app, 'BulkResult', 'INSERT');
  try {
    const start = await http<{ id: string }>('POST', `${app.url}/api/providers/${demo.id}/bulk`, { count: 20, concurrency: 4 });
    assert.equal(start.status, 202);
    const job = await finishedJob(app.url, start.json.id);
    assert.equal(job.state, 'failed');
    assert.match(job.stopReason ?? '', /results could not be stored \(.*disk full \(test\).*\): check the database/);
    const line = loggedFailure(job.id);
    assert.ok(line, 'the failed job is logged');
    assert.doesNotMatch(line, /eyJ/, 'no token in the log line');
  } finally {
    await restore();
  }
  assert.equal((await http('GET', `${app.url}/api/health`)).status, 200, 'the console still answers');
  const next = await http<{ id: string }>('POST', `${app.url}/api/providers/${demo.id}/bulk`, { count: 2 });
  assert.equal((await finishedJob(app.url, next.json.id)).state, 'done', 'and runs the next job');
});

test('a job that fails for another reason (its audit rows cannot be completed) is logged by the console', async () => {
  const restore = await auditFault(app, 'update', { action: 'token.minted' });
  try {
    const start = await http<{ id: string }>('POST', `${app.url}/api/providers/${demo.id}/bulk`, { count: 3, concurrency: 1 });
    assert.equal(start.status, 202);
    const job = await finishedJob(app.url, start.json.id);
    assert.equal(job.state, 'failed');
    const line = loggedFailure(start.json.id);
    assert.ok(line, 'the console log has the failed job');
    assert.match(line, /"providerId"/);
  } finally {
    await restore();
  }
});
