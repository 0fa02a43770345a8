// Browsing the audit log (issue 15, defect 8): text filters match part of a value whatever its case (with
// LIKE's wildcards taken literally), and a bulk job's token rows come back as one group row, opened with the
// jobId filter; the CSV export keeps every row.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { applyMigrations, readMigrations } from '../../server/db/migrator.js';
import { migrationsDirOf } from '../../server/db/backend.js';
import { tempDir } from '../helpers/tmp.js';
import { addUser, startWithDemo, TEST_BACKEND, type TestConsole } from '../helpers/console.js';
import { http, signIn, type SessionCredentials } from '../helpers/http.js';
import { finishedJob } from '../helpers/bulk.js';

const MIGRATIONS_DIR = migrationsDirOf('sqlite');

let app: TestConsole;
let demo: { id: string };
let sam: { email: string; password: string };
let samSession: SessionCredentials;
let job: { id: string };
const ROWS = 12;

const as = (s: SessionCredentials) => ({ cookie: s.cookie, 'x-csrf-token': s.csrfToken });
const audit = async (query: string) => {
  const res = await http<any[]>('GET', `${app.url}/api/audit?${query}`);
  assert.equal(res.status, 200, res.text);
  return res.json;
};

before(async () => {
  ({ app, demo } = await startWithDemo({ LOG_LEVEL: 'warn' }));
  // addUser names users "<role>-<random>@example.test"; this one is found by part of its name.
  const invited = await http<any>('POST', `${app.url}/api/users/invites`, {
    email: 'Samantha.Jones@example.test',
    role: 'admin',
    providerIds: [],
  });
  assert.equal(invited.status, 201, invited.text);
  const password = 'pw-samantha-Xq7!vZ93-long';
  const accepted = await http('POST', `${app.url}/api/invites/accept`, { token: invited.json.token, password }, { cookie: '' });
  assert.equal(accepted.status, 200);
  sam = { email: 'samantha.jones@example.test', password };
  samSession = await signIn(app.url, sam.email, password);
  const started = await http<any>(
    'POST',
    `${app.url}/api/providers/${demo.id}/bulk`,
    { count: ROWS, template: { email: 'kiosk-{n}@example.com' } },
    as(samSession),
  );
  assert.equal(started.status, 202, started.text);
  job = await finishedJob(app.url, started.json.id, as(samSession));
  await addUser(app, 'support');
});
after(() => app.stop());

test('the actor filter matches part of the email, in any case', async () => {
  for (const actor of ['sam', 'SAM', 'antha.jo', 'example.test']) {
    const rows = await audit(`actor=${encodeURIComponent(actor)}&limit=500`);
    assert.ok(rows.length > 0, `"${actor}" finds rows`);
    if (actor !== 'example.test')
      assert.ok(
        rows.every((r) => /samantha/i.test(r.actor)),
        `"${actor}" finds only samantha's rows`,
      );
  }
  assert.equal((await audit('actor=nobody-like-this')).length, 0);
});

test("LIKE's wildcards are taken literally: % and _ match only themselves", async () => {
  assert.equal((await audit('actor=%25')).length, 0, '% is not "anything"');
  assert.equal((await audit('actor=s_m')).length, 0, '_ is not "any one character"');
  assert.ok((await audit('action=token.mint')).length > 0, 'the action filter matches a prefix too');
  assert.ok((await audit('action=MINTED')).length > 0, 'and a part in another case');
  assert.ok((await audit('outcome=O')).some((r) => r.outcome === 'ok'));
});

test("grouped, a bulk job's token rows are one row with the job's counts; the jobId filter opens it", async () => {
  const flat = await audit('limit=500');
  const tokenRows = flat.filter((r) => r.action === 'token.minted' && r.detail.jobId === job.id);
  assert.equal(tokenRows.length, ROWS, 'ungrouped, every token has its row');

  const grouped = await audit('group=bulk&limit=500');
  const groups = grouped.filter((r) => r.bulkGroup);
  assert.equal(groups.length, 1, 'one group row for the job');
  const [group] = groups;
  assert.deepEqual(group.bulkGroup, {
    jobId: job.id,
    rows: ROWS,
    ok: ROWS,
    failed: 0,
    pending: 0,
    firstAt: group.bulkGroup.firstAt,
  });
  assert.equal(group.seq, Math.max(...tokenRows.map((r) => r.seq)), 'it stands where its newest row is');
  assert.equal(grouped.filter((r) => r.action === 'token.minted' && r.detail.jobId === job.id).length, 1);
  // The other rows are all there, the job's start among them.
  assert.equal(grouped.length, flat.length - ROWS + 1);
  assert.ok(grouped.some((r) => r.action === 'bulk.started' && r.detail.jobId === job.id));

  const opened = await audit(`jobId=${job.id}&limit=500`);
  assert.equal(opened.filter((r) => r.action === 'token.minted').length, ROWS);
  assert.ok(opened.every((r) => r.detail.jobId === job.id));
  assert.ok(
    opened.every((r) => !r.bulkGroup),
    'opened, the rows are not grouped',
  );

  // Paging a grouped list: the group is on one page only.
  const seen = new Set<number>();
  let before = '';
  for (;;) {
    const page = await audit(`group=bulk&limit=3${before}`);
    for (const r of page) {
      assert.equal(seen.has(r.seq), false);
      seen.add(r.seq);
    }
    if (page.length < 3) break;
    before = `&before=${page[page.length - 1].seq}`;
  }
  assert.equal(seen.size, grouped.length);

  // The export keeps every row.
  const csv = await http('GET', `${app.url}/api/audit.csv`);
  const lines = csv.text.trim().split('\r\n').length - 1;
  assert.ok(lines >= flat.length, `${lines} CSV rows for ${flat.length} listed`);
});

test('a page bound past every row gives the newest rows, grouped or not', async () => {
  const newest = await audit('limit=5');
  assert.deepEqual(await audit('limit=5&before=9999999999999999'), newest);
  assert.equal((await audit('group=bulk&limit=5&before=9999999999999999')).length, 5);
});

test('bad filters get a 400', async () => {
  assert.equal((await http('GET', `${app.url}/api/audit?group=everything`)).status, 400);
  assert.equal((await http('GET', `${app.url}/api/audit?jobId=nope`)).status, 400);
});

test(
  'rows written before the bulkJobId column get it from their detail when the database is migrated',
  { skip: TEST_BACKEND !== 'sqlite' && 'a SQLite migration (PostgreSQL has the column from its first migration)' },
  async (t) => {
    const dir = tempDir();
    t.after(dir.cleanup);
    const migrations = join(dir.path, 'migrations');
    cpSync(MIGRATIONS_DIR, migrations, { recursive: true });
    const names = readMigrations(MIGRATIONS_DIR).migrationDirectories.map((d) => d.path);
    const added = names.find((n) => n.endsWith('_audit_bulk_job_id'))!;
    assert.ok(added);
    // The database as the console left it before this migration (those after it set aside too).
    for (const later of names.slice(names.indexOf(added))) rmSync(join(migrations, later), { recursive: true });
    const db = join(dir.path, 'old.db');
    await applyMigrations({ backend: 'sqlite', file: db }, undefined, migrations);
    const old = new Database(db);
    const insert = old.prepare('INSERT INTO "AuditEvent" ("at", "actor", "action", "outcome", "detail") VALUES (?, ?, ?, ?, ?)');
    const at = new Date().toISOString();
    insert.run(at, 'owner@example.test', 'token.minted', 'ok', JSON.stringify({ via: 'bulk', jobId: 'job-1', params: {} }));
    insert.run(at, 'owner@example.test', 'bulk.started', 'ok', JSON.stringify({ jobId: 'job-1', total: 1 }));
    insert.run(at, 'owner@example.test', 'token.minted', 'ok', JSON.stringify({ via: 'console', jobId: 7 }));
    insert.run(at, 'owner@example.test', 'user.invited', 'ok', '{}');
    old.close();

    cpSync(MIGRATIONS_DIR, migrations, { recursive: true });
    await applyMigrations({ backend: 'sqlite', file: db }, undefined, migrations);
    const migrated = new Database(db, { readonly: true });
    const jobs = migrated.prepare('SELECT "action", "bulkJobId" FROM "AuditEvent" ORDER BY "seq"').all();
    migrated.close();
    assert.deepEqual(jobs, [
      { action: 'token.minted', bulkJobId: 'job-1' },
      { action: 'bulk.started', bulkJobId: 'job-1' },
      { action: 'token.minted', bulkJobId: null },
      { action: 'user.invited', bulkJobId: null },
    ]);
  },
);
