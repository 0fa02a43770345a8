// Crash proof on the production start path (node dist/console.js): kill -9 the console while a bulk
// job and single mints are writing, again and again. After every crash the database passes
// integrity_check (SQLite; PostgreSQL checks its own pages), the console starts again, and every token it had
// returned has its completed audit row.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { tempDir } from '../helpers/tmp.js';
import { startBuiltConsole } from '../helpers/built-console.js';
import { http, signIn } from '../helpers/http.js';
import { databaseOf, OWNER } from '../helpers/console.js';
import { rawSql } from '../helpers/databases.js';
import { pollUntil } from '../helpers/poll.js';

const CYCLES = 5;
const dir = tempDir('sat-crash-');
let child: ChildProcess | undefined;
after(() => {
  child?.kill('SIGKILL');
  dir.cleanup();
});

test(
  `kill -9 during bulk mints and writes, ${CYCLES} times: the database intact, every returned token audited`,
  { timeout: 180_000 },
  async () => {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const base = `http://127.0.0.1:${port}`;
    const returned: string[] = [];
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      child = await startBuiltConsole({ port, dataDir: dir.path, attempts: 200 });
      const session = await signIn(base, OWNER.email, OWNER.password);
      const as = { cookie: session.cookie, 'x-csrf-token': session.csrfToken };
      const [demo] = (await http<{ id: string }[]>('GET', `${base}/api/providers`, undefined, { cookie: session.cookie })).json;
      assert.ok(demo);
      const job = await http(
        'POST',
        `${base}/api/providers/${demo.id}/bulk`,
        { count: 5000, concurrency: 16, template: { email: `crash-${cycle}-{n}@example.com` } },
        as,
      );
      assert.equal(job.status, 202, job.text);
      // Single mints and other writes until the kill.
      let killed = false;
      const writers = Array.from({ length: 4 }, async (_, w) => {
        for (let i = 0; !killed; i++) {
          const res = await http<{ claims: { jti: string } }>(
            'POST',
            `${base}/api/providers/${demo.id}/tokens`,
            { first_name: `w${w}-${i}` },
            as,
          ).catch(() => null);
          if (res?.status === 200) returned.push(res.json.claims.jti);
          await http('POST', `${base}/api/providers/${demo.id}/presets`, { name: `p-${cycle}-${w}-${i}`, params: {} }, as).catch(
            () => null,
          );
        }
      });
      // Kill at a random moment once this cycle has handed out a few tokens (the machine may be busy).
      const before = returned.length;
      await pollUntil('the console to hand out 3 tokens', () => returned.length >= before + 3, { everyMs: 25 });
      await new Promise((r) => setTimeout(r, Math.random() * 500)); // the child keeps writing for a random while: the kill lands anywhere
      child.kill('SIGKILL');
      await once(child, 'exit');
      killed = true;
      await Promise.all(writers);

      const db = await databaseOf(dir.path);
      if (db.backend === 'sqlite') {
        const [check] = await rawSql<{ integrity_check: string }>(db, 'PRAGMA integrity_check');
        assert.equal(check?.integrity_check, 'ok', `integrity after crash ${cycle + 1}`);
      }
      const rows = await rawSql<{ detail: string }>(
        db,
        `SELECT "detail" FROM "AuditEvent" WHERE "action" = 'token.minted' AND "outcome" = 'ok'`,
      );
      const audited = new Set(rows.map((r) => (JSON.parse(r.detail) as { jti: string }).jti));
      const missing = returned.filter((jti) => !audited.has(jti));
      assert.deepEqual(missing, [], `every token returned before crash ${cycle + 1} has its audit row`);
    }
    assert.ok(returned.length >= CYCLES * 3, `${returned.length} tokens returned across the crashes`);
    // The chain of completed rows still verifies; rows of mints cut short stay pending, visibly.
    child = await startBuiltConsole({ port, dataDir: dir.path, attempts: 200 });
    const session = await signIn(base, OWNER.email, OWNER.password);
    const chain = await http<{ ok: boolean; checked: number; pending: number }>('GET', `${base}/api/audit/verify`, undefined, {
      cookie: session.cookie,
    });
    assert.equal(chain.json.ok, true, JSON.stringify(chain.json));
    child.kill('SIGKILL');
  },
);
