// F6 of issue 14: when an action fails and its audit row cannot be completed either, the action's own error is
// the answer, and the row left pending must not vanish silently: the console's log names it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { startTestConsole, type TestConsole } from '../helpers/console.js';
import { http } from '../helpers/http.js';

let app: TestConsole;
before(async () => {
  app = await startTestConsole();
});
after(() => app?.stop());

test('a failed action whose row cannot be completed answers its error and logs the row left pending', async () => {
  const outside = new Database(app.dbFile);
  outside.exec(`CREATE TRIGGER "test_completion_down" BEFORE UPDATE ON "AuditEvent" BEGIN SELECT RAISE(ABORT, 'disk full (test)'); END;`);
  try {
    const res = await http('POST', `${app.url}/api/credential-sets`, {
      name: 'Lost row',
      clientId: 'x.img.frame.nutanix.com',
      clientSecret: 'secret-secret-secret',
      upstreamUrl: 'builtin:emulator',
    });
    assert.equal(res.status, 503);
    assert.equal(res.json.error, 'audit/unavailable');
  } finally {
    outside.exec('DROP TRIGGER "test_completion_down"');
    outside.close();
  }
  const db = new Database(app.dbFile, { readonly: true });
  let seq: number;
  try {
    seq = Number(
      (
        db
          .prepare(`SELECT "seq" FROM "AuditEvent" WHERE "action" = 'credential.created' AND "outcome" = 'pending' ORDER BY "seq" DESC`)
          .get() as { seq: number }
      ).seq,
    );
  } finally {
    db.close();
  }
  const line = app
    .logs()
    .split('\n')
    .find((l) => l.includes('could not be completed and stays pending'));
  assert.ok(line, 'the log says a row stays pending');
  const fields = JSON.parse(line) as Record<string, unknown>;
  assert.deepEqual([fields.seq, fields.action, fields.outcome], [seq, 'credential.created', 'audit/unavailable']);
  assert.doesNotMatch(line, /secret-secret-secret/, "the action's input is not in the line");
});
