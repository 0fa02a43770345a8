// F6 of issue 14: when argon2 cannot check a password (here a stored hash it cannot read), the sign-in is the
// console's failure (500 internal/error, logged), never "wrong password", never a session; the attempt does
// not count as a failed guess. A real mismatch still answers auth/invalid_credentials.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { addUser, startTestConsole, type TestConsole } from '../helpers/console.js';
import { rawSql } from '../helpers/databases.js';
import { http } from '../helpers/http.js';

let app: TestConsole;
before(async () => {
  app = await startTestConsole();
});
after(() => app?.stop());

test('an unreadable password hash: 500 internal/error, no session, not counted; a wrong password stays a 401', async () => {
  const user = await addUser(app, 'viewer');
  const wrong = await http('POST', `${app.url}/api/session`, { email: user.email, password: 'not-the-password-at-all' }, { cookie: '' });
  assert.deepEqual([wrong.status, wrong.json.error], [401, 'auth/invalid_credentials']);

  await rawSql(app.database, 'UPDATE "User" SET "passwordHash" = ? WHERE "id" = ?', ['$argon2id$v=19$broken', user.id]);
  const res = await http('POST', `${app.url}/api/session`, { email: user.email, password: user.password }, { cookie: '' });
  assert.equal(res.status, 500);
  assert.equal(res.json.error, 'internal/error');
  assert.equal(res.headers.get('set-cookie'), null, 'no session');
  assert.match(app.logs(), /argon2 could not check a password/);

  const [row] = await rawSql<{ outcome: string }>(
    app.database,
    `SELECT "outcome" FROM "AuditEvent" WHERE "action" = 'auth.sign_in' ORDER BY "seq" DESC`,
  );
  assert.equal(row?.outcome, 'internal/error');
});
