// F6 of issue 14: a bulk job's results file that fails (a full disk, a removed directory) must end the job
// `failed` with a message a person can act on, and the console must live on; a failed job is logged.
// The failures are the kernel's own: /dev/full answers every write with ENOSPC, and a file in a directory
// that does not exist cannot be opened (ENOENT), root or not.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { OWNER, startWithDemo, type TestConsole } from '../helpers/console.js';
import { finishedJob } from '../helpers/bulk.js';
import { auditFault } from '../helpers/databases.js';
import { http } from '../helpers/http.js';
import { runInContext } from '../../server/auth/context.js';
import { BulkService } from '../../server/services/bulk.js';
import { readUserStatus } from '../../server/services/user-status.js';
import type { ServiceLog } from '../../server/services/service-log.js';
import type { Writable } from 'node:stream';
import { pollUntil } from '../helpers/poll.js';

let app: TestConsole;
let demo: { id: string };
let ownerId: string;

before(async () => {
  ({ app, demo } = await startWithDemo());
  ownerId = (await app.services.db.user.findUniqueOrThrow({ where: { email: OWNER.email } })).id;
});
after(() => app?.stop());

/** The console's own services, with a results file that fails as `open` makes it, and the log kept. */
function bulkWith(open: (file: string) => Writable): { bulk: BulkService; logged: { fields: Record<string, unknown>; message: string }[] } {
  const logged: { fields: Record<string, unknown>; message: string }[] = [];
  const log: ServiceLog = {
    error: (fields, message) => logged.push({ fields, message }),
    warn: (fields, message) => logged.push({ fields, message }),
  };
  const s = app.services;
  const bulk = new BulkService({
    providers: s.providers,
    mint: s.mint,
    audit: s.audit,
    metrics: s.metrics,
    quota: s.quota,
    userStatus: (id) => readUserStatus(s.db, id),
    dataDir: join(app.dataDir, 'bulk-failing'),
    log,
    openResults: open,
  });
  return { bulk, logged };
}

async function runAsOwner(bulk: BulkService, count: number) {
  const principal = {
    kind: 'user' as const,
    userId: ownerId,
    email: OWNER.email,
    role: 'owner' as const,
    sessionId: 'test',
    grants: 'all' as const,
  };
  const started = await runInContext({ principal, requestId: null, ip: null }, () => bulk.start(demo.id, { count, concurrency: 4 }));
  // The job's workers call the built-in emulator over HTTP: a real system, polled.
  return pollUntil('the bulk job to stop', () => {
    const job = bulk.get(started.id, principal);
    return job.state !== 'running' && job;
  });
}

test('a full disk (ENOSPC) under the results file: the job ends failed, says why, is logged; the console lives on', async () => {
  const { bulk, logged } = bulkWith(() => createWriteStream('/dev/full'));
  const job = await runAsOwner(bulk, 20);
  assert.equal(job.state, 'failed');
  assert.match(job.stopReason ?? '', /results could not be written to disk \(ENOSPC\).*free space/);
  const line = logged.find((l) => l.message === 'bulk job failed');
  assert.ok(line, 'the failed job is logged');
  assert.equal(line.fields.jobId, job.id);
  assert.doesNotMatch(JSON.stringify(line.fields), /eyJ/, 'no token in the log line');
  assert.equal((await http('GET', `${app.url}/api/health`)).status, 200, 'the console still answers');
});

test('a results directory removed under the job (ENOENT): the job ends failed, the console lives on', async () => {
  const { bulk } = bulkWith(() => createWriteStream(join(app.dataDir, 'no-such-directory', 'results.ndjson')));
  const job = await runAsOwner(bulk, 3);
  assert.equal(job.state, 'failed');
  assert.match(job.stopReason ?? '', /\(ENOENT\)/);
  assert.equal((await http('GET', `${app.url}/api/health`)).status, 200);
});

test('a job that fails for another reason (its audit rows cannot be completed) is logged by the console', async () => {
  const restore = await auditFault(app, 'update', { action: 'token.minted' });
  try {
    const start = await http<{ id: string }>('POST', `${app.url}/api/providers/${demo.id}/bulk`, { count: 3, concurrency: 1 });
    assert.equal(start.status, 202);
    const job = await finishedJob(app.url, start.json.id);
    assert.equal(job.state, 'failed');
    const line = app
      .logs()
      .split('\n')
      .find((l) => l.includes('bulk job failed') && l.includes(start.json.id));
    assert.ok(line, 'the console log has the failed job');
    assert.match(line, /"providerId"/);
  } finally {
    await restore();
  }
});
