// A durable transaction of the console's own SQL (server/db/sqlite-sql.ts) commits with synchronous=FULL on
// a real SQLite file in WAL mode, and the connection is back on NORMAL afterwards, whether the transaction
// commits or rolls back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ConnectionLock, SqliteSql } from '../../server/db/sqlite-sql.js';
import { tempDir } from '../helpers/tmp.js';

const FULL = 2;
const NORMAL = 1;

test('a durable commit runs under synchronous=FULL and leaves the connection on NORMAL', async (t) => {
  const dir = tempDir();
  t.after(dir.cleanup);
  const db = new Database(join(dir.path, 'durable.db'));
  t.after(() => db.close());
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE t (x INTEGER)');
  const sql = new SqliteSql(db, new ConnectionLock());

  const inside = await sql.transaction(
    async (tx) => {
      await tx.run('INSERT INTO t VALUES (1)');
      return db.pragma('synchronous', { simple: true });
    },
    { durable: true },
  );
  assert.equal(inside, FULL);
  assert.equal(db.pragma('synchronous', { simple: true }), NORMAL);

  await assert.rejects(
    sql.transaction(
      async (tx) => {
        await tx.run('INSERT INTO t VALUES (2)');
        throw new Error('refused');
      },
      { durable: true },
    ),
    /refused/,
  );
  assert.equal(db.pragma('synchronous', { simple: true }), NORMAL, 'back on NORMAL after a rollback too');
  assert.deepEqual(db.prepare('SELECT x FROM t').all(), [{ x: 1 }], 'the failed transaction left nothing');

  const plain = await sql.transaction(async () => db.pragma('synchronous', { simple: true }));
  assert.equal(plain, NORMAL, 'a transaction not asked to be durable stays on NORMAL');
});

test('while a transaction is open, a plain statement from elsewhere waits for it instead of joining it', async (t) => {
  const dir = tempDir();
  t.after(dir.cleanup);
  const db = new Database(join(dir.path, 'isolated.db'));
  t.after(() => db.close());
  db.exec('CREATE TABLE t (x INTEGER)');
  const sql = new SqliteSql(db, new ConnectionLock());
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const failing = sql.transaction(async (tx) => {
    await tx.run('INSERT INTO t VALUES (1)');
    await gate;
    throw new Error('rolled back');
  });
  // Started while the transaction is open: it must neither see its row nor be rolled back with it.
  const outsider = sql.run('INSERT INTO t VALUES (2)');
  const seen = sql.all<{ x: number }>('SELECT x FROM t ORDER BY x');
  release();
  await assert.rejects(failing, /rolled back/);
  await outsider;
  assert.deepEqual(await seen, [{ x: 2 }]);
  assert.deepEqual(db.prepare('SELECT x FROM t').all(), [{ x: 2 }]);
});
