// F6 of issue 14: when argon2 cannot check a password (here a stored hash it cannot read), the sign-in is the
// console's failure (500 internal/error, logged), never "wrong password", never a session; the attempt does
// not count as a failed guess. A real mismatch still answers auth/invalid_credentials.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { addUser, startTestConsole, type TestConsole } from '../helpers/console.js';
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

  const db = new Database(app.dbFile);
  try {
    db.prepare('UPDATE "User" SET "passwordHash" = ? WHERE "id" = ?').run('$argon2id$v=19$broken', user.id);
  } finally {
    db.close();
  }
  const res = await http('POST', `${app.url}/api/session`, { email: user.email, password: user.password }, { cookie: '' });
  assert.equal(res.status, 500);
  assert.equal(res.json.error, 'internal/error');
  assert.equal(res.headers.get('set-cookie'), null, 'no session');
  assert.match(app.logs(), /argon2 could not check a password/);

  const check = new Database(app.dbFile, { readonly: true });
  try {
    const row = check.prepare(`SELECT "outcome" FROM "AuditEvent" WHERE "action" = 'auth.sign_in' ORDER BY "seq" DESC`).get() as {
      outcome: string;
    };
    assert.equal(row.outcome, 'internal/error');
  } finally {
    check.close();
  }
});
