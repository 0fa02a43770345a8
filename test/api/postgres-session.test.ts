// test-backends: sqlite — it opens its own PostgreSQL databases, whichever backend the pass is on; once is enough.
// A PostgreSQL console's sessions: in UTC whatever the server's time zone (the test server runs in
// America/New_York) and this process's (TZ is set to Asia/Tokyo here), so a column default written by the
// database and a value written by Prisma read back alike; and the statement timeout is the configured one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { applyMigrations } from '../../server/db/migrator.js';
import { openDatabase, sqlOf } from '../../server/db/client.js';
import { freshDatabase, rawSql } from '../helpers/databases.js';

process.env.TZ = 'Asia/Tokyo';

test('times are UTC on a server and a process in other time zones: defaults and written values read back as written', async (t) => {
  const { target } = await freshDatabase('postgresql', 'tz');
  if (target.backend !== 'postgresql') throw new Error('unreachable');
  assert.notEqual((await rawSql<{ TimeZone: string }>(target, 'SHOW TimeZone'))[0]!.TimeZone, 'UTC', 'the server is not in UTC');
  assert.equal(new Date(0).getTimezoneOffset(), -540, 'this process is in Tokyo');
  await applyMigrations(target);
  const db = await openDatabase(target);
  t.after(() => db.$disconnect());
  assert.equal((await sqlOf(db).get<{ TimeZone: string }>('SHOW TimeZone'))!.TimeZone, 'UTC');

  // A default the database fills in (CURRENT_TIMESTAMP), written behind Prisma's back.
  const before = Date.now();
  const id = randomUUID();
  await sqlOf(db).run(
    `INSERT INTO "User" ("id", "email", "name", "role", "passwordHash", "passwordChangedAt", "updatedAt")
     VALUES (?, ?, '', 'viewer', 'x', '2026-12-02T05:00:00.000+00:00', CURRENT_TIMESTAMP)`,
    [id, `${id}@example.test`],
  );
  const user = await db.user.findUniqueOrThrow({ where: { id } });
  assert.ok(
    Math.abs(user.createdAt.getTime() - before) < 60_000,
    `createdAt ${user.createdAt.toISOString()} is hours off ${new Date(before).toISOString()}`,
  );
  assert.equal(user.passwordChangedAt.toISOString(), '2026-12-02T05:00:00.000Z');

  // A value Prisma writes, read by the console's own SQL as its one text form.
  const at = new Date('2026-07-01T12:34:56.789Z');
  await db.user.update({ where: { id }, data: { passwordChangedAt: at } });
  const row = await sqlOf(db).get<{ passwordChangedAt: string }>('SELECT "passwordChangedAt" FROM "User" WHERE "id" = ?', [id]);
  assert.equal(row!.passwordChangedAt, '2026-07-01T12:34:56.789+00:00');
});

test('DATABASE_STATEMENT_TIMEOUT_MS ends a statement that runs longer', async (t) => {
  const { target } = await freshDatabase('postgresql', 'timeout');
  if (target.backend !== 'postgresql') throw new Error('unreachable');
  const db = await openDatabase({ ...target, statementTimeoutMs: 200 });
  t.after(() => db.$disconnect());
  // The server cancels it with its own error (57014), not a client-side timer.
  await assert.rejects(sqlOf(db).get('SELECT pg_sleep(5)'), (err: { code?: string; message: string }) => {
    assert.equal(err.code, '57014');
    assert.match(err.message, /statement timeout/);
    return true;
  });
});
