// Issue 16: the audit writer writes a group commit's begun rows in one multi-row INSERT and its completions in
// one UPDATE … FROM (VALUES …). Each caller must get its own row's seq back, a batch larger than one
// statement's chunk must work, and a row the database refuses must not take the rest of its batch down: the
// others are written (each retried alone) and only the refused one fails closed with audit/unavailable.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestConsole, type TestConsole } from '../helpers/console.js';
import { http } from '../helpers/http.js';
import { auditFault, rawSql } from '../helpers/databases.js';
import { DomainError } from '../../server/errors.js';
import { BATCH_RETRIED } from '../../server/services/audit-writer.js';

let app: TestConsole;
before(async () => {
  app = await startTestConsole();
});
after(() => app?.stop());

/** A trigger refusing AuditEvent writes (`event`) of rows whose action is `action`; returns its removal. */

const codeOf = (r: PromiseSettledResult<unknown>) =>
  r.status === 'fulfilled' ? 'ok' : r.reason instanceof DomainError ? r.reason.code : String(r.reason);

async function intact(): Promise<void> {
  const verify = await http<{ ok: boolean; problem?: string }>('GET', `${app.url}/api/audit/verify`);
  assert.equal(verify.json.ok, true, verify.json.problem);
}

test('rows begun and finished together (more than one statement holds) each get their own seq and outcome', async () => {
  const audit = app.services.audit;
  const n = 1100;
  // Asked for in one turn of the event loop: one group commit, written in chunks.
  const seqs = await Promise.all(
    Array.from({ length: n }, (_, i) => audit.begin({ action: 'test.batch', target: `t${i}`, detail: { i } })),
  );
  assert.equal(new Set(seqs).size, n);
  await Promise.all(seqs.map((seq, i) => audit.finish(seq, i % 2 ? 'ok' : 'test/odd', { done: i })));
  const rows = await rawSql<{ seq: number | bigint; target: string; outcome: string; detail: string; hash: string | null }>(
    app.database,
    `SELECT "seq", "target", "outcome", "detail", "hash" FROM "AuditEvent" WHERE "action" = 'test.batch'`,
  );
  const bySeq = new Map(rows.map((r) => [Number(r.seq), r]));
  const wrong = seqs.filter((seq, i) => {
    const r = bySeq.get(seq);
    const detail = r && (JSON.parse(r.detail) as { i: number; done: number });
    return !r || r.target !== `t${i}` || detail!.i !== i || detail!.done !== i || r.outcome !== (i % 2 ? 'ok' : 'test/odd') || !r.hash;
  });
  assert.deepEqual(wrong, [], 'every caller got its own row');
  assert.equal(app.logs().includes(BATCH_RETRIED), false, 'written in batches, not a row at a time');
  await intact();
});

test('a begun row the database refuses fails alone: the rest of its batch is written', async () => {
  const audit = app.services.audit;
  const restore = await auditFault(app, 'insert', { action: 'test.refused' });
  let settled: PromiseSettledResult<number>[];
  try {
    settled = await Promise.allSettled([
      audit.begin({ action: 'test.accepted', target: 'a' }),
      audit.begin({ action: 'test.refused', target: 'x' }),
      audit.begin({ action: 'test.accepted', target: 'b' }),
    ]);
  } finally {
    await restore();
  }
  assert.deepEqual(settled.map(codeOf), ['ok', 'audit/unavailable', 'ok']);
  assert.ok(app.logs().includes(BATCH_RETRIED), 'the batch failed and was retried a write at a time');
  const seqs = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  await Promise.all(seqs.map((seq) => audit.finish(seq, 'ok')));
  const refused = await rawSql(app.database, `SELECT "seq" FROM "AuditEvent" WHERE "action" = 'test.refused'`);
  assert.equal(refused.length, 0);
  await intact();
});

test('a completion the database refuses fails alone: the rest of its batch completes and chains', async () => {
  const audit = app.services.audit;
  const [ok1, bad, ok2] = await Promise.all([
    audit.begin({ action: 'test.completes', target: '1' }),
    audit.begin({ action: 'test.never_completes' }),
    audit.begin({ action: 'test.completes', target: '2' }),
  ]);
  const restore = await auditFault(app, 'update', { action: 'test.never_completes' });
  let settled: PromiseSettledResult<void>[];
  try {
    settled = await Promise.allSettled([audit.finish(ok1!, 'ok'), audit.finish(bad!, 'ok'), audit.finish(ok2!, 'ok')]);
  } finally {
    await restore();
  }
  assert.deepEqual(settled.map(codeOf), ['ok', 'audit/unavailable', 'ok']);
  const rows = await rawSql<{ seq: number | bigint; outcome: string; hash: string | null }>(
    app.database,
    `SELECT "seq", "outcome", "hash" FROM "AuditEvent" WHERE "action" IN ('test.completes', 'test.never_completes') ORDER BY "seq"`,
  );
  assert.deepEqual(
    rows.map((r) => [Number(r.seq), r.outcome, r.hash !== null]),
    [
      [ok1, 'ok', true],
      [bad, 'pending', false],
      [ok2, 'ok', true],
    ],
  );
  // The refused row can still be completed once the database takes it.
  await audit.finish(bad!, 'ok');
  await intact();
});
