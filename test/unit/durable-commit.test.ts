// commitDurably: the audit log's transactions commit with synchronous=FULL on a real SQLite file in WAL
// mode, and the connection is back on NORMAL afterwards, whether the transaction commits or rolls back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { commitDurably } from '../../server/db/client.js';
import { tempDir } from '../helpers/tmp.js';

const FULL = 2;
const NORMAL = 1;

test('a durable commit runs under synchronous=FULL and leaves the connection on NORMAL', (t) => {
  const dir = tempDir();
  t.after(dir.cleanup);
  const db = new Database(join(dir.path, 'durable.db'));
  t.after(() => db.close());
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE t (x INTEGER)');

  const inside = commitDurably(db, () => {
    db.prepare('INSERT INTO t VALUES (1)').run();
    return db.pragma('synchronous', { simple: true });
  });
  assert.equal(inside, FULL);
  assert.equal(db.pragma('synchronous', { simple: true }), NORMAL);

  assert.throws(
    () =>
      commitDurably(db, () => {
        db.prepare('INSERT INTO t VALUES (2)').run();
        throw new Error('refused');
      }),
    /refused/,
  );
  assert.equal(db.pragma('synchronous', { simple: true }), NORMAL, 'back on NORMAL after a rollback too');
  assert.deepEqual(db.prepare('SELECT x FROM t').all(), [{ x: 1 }], 'the failed transaction left nothing');
});
