// F6 of issue 14: when an action fails and its audit row cannot be completed either, the action's own error is
// the answer, and the row left pending must not vanish silently: the console's log names it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestConsole, type TestConsole } from '../helpers/console.js';
import { auditFault, rawSql } from '../helpers/databases.js';
import { http } from '../helpers/http.js';

let app: TestConsole;
before(async () => {
  app = await startTestConsole();
});
after(() => app?.stop());

test('a failed action whose row cannot be completed answers its error and logs the row left pending', async () => {
  const restore = await auditFault(app, 'update');
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
    await restore();
  }
  const [row] = await rawSql<{ seq: number | string }>(
    app.database,
    `SELECT "seq" FROM "AuditEvent" WHERE "action" = 'credential.created' AND "outcome" = 'pending' ORDER BY "seq" DESC`,
  );
  const seq = Number(row?.seq);
  const line = app
    .logs()
    .split('\n')
    .find((l) => l.includes('could not be completed and stays pending'));
  assert.ok(line, 'the log says a row stays pending');
  const fields = JSON.parse(line) as Record<string, unknown>;
  assert.deepEqual([fields.seq, fields.action, fields.outcome], [seq, 'credential.created', 'audit/unavailable']);
  assert.doesNotMatch(line, /secret-secret-secret/, "the action's input is not in the line");
});
