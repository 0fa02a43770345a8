// The background sync a mint starts during its upstream wait: one at a time, and never an error of its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { walPresync, type SyncFs } from '../../server/services/wal-presync.js';

/** A file system whose callbacks run when the test says so, recording each operation. */
function recordingFs(openError?: NodeJS.ErrnoException) {
  const calls: string[] = [];
  const pending: (() => void)[] = [];
  const fs: SyncFs = {
    open: (path, _flags, cb) => {
      calls.push(`open ${path}`);
      pending.push(() => (openError ? cb(openError, -1) : cb(null, 7)));
    },
    fsync: (fd, cb) => {
      calls.push(`fsync ${fd}`);
      pending.push(() => cb(null));
    },
    close: (fd, cb) => {
      calls.push(`close ${fd}`);
      pending.push(() => cb(null));
    },
  };
  const settle = () => {
    while (pending.length) pending.shift()!();
  };
  return { fs, calls, settle };
}

test('a presync opens, syncs and closes the WAL; a second asked for while it runs is not started', () => {
  const { fs, calls, settle } = recordingFs();
  const presync = walPresync(() => '/data/console.db-wal', fs);
  presync();
  presync();
  settle();
  assert.deepEqual(calls, ['open /data/console.db-wal', 'fsync 7', 'close 7']);
  presync();
  settle();
  assert.equal(calls.filter((c) => c.startsWith('fsync')).length, 2, 'once finished, the next presync runs');
});

test('a WAL that cannot be opened, or a path that cannot be known, is skipped without an error', () => {
  const { fs, calls, settle } = recordingFs(Object.assign(new Error('gone'), { code: 'ENOENT' }));
  const presync = walPresync(() => '/data/console.db-wal', fs);
  presync();
  settle();
  presync();
  settle();
  assert.deepEqual(calls, ['open /data/console.db-wal', 'open /data/console.db-wal']);
  const unknown = walPresync(() => {
    throw new Error('not a SQLite database');
  }, fs);
  assert.doesNotThrow(unknown);
});
