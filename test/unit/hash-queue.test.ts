// The argon2 line (server/auth/hash-queue.ts) with work the test finishes by hand: bounded per line,
// trusted first, places given back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HashQueue, type HashPriority, type HashTicket } from '../../server/auth/hash-queue.js';

/** Work that ends when the test says, recording when it started. */
function job(log: string[], name: string) {
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => (finish = resolve));
  return {
    work: async () => {
      log.push(name);
      await done;
      return name;
    },
    finish,
  };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

test('2 run and 16 wait per line; one more untrusted ticket is refused at once while a trusted one still gets a place', () => {
  const q = new HashQueue(2, 16);
  const tickets: HashTicket[] = [];
  for (let i = 0; i < 18; i++) tickets.push(q.reserve('untrusted')!);
  assert.equal(tickets.every(Boolean), true, '2 about to run and 16 waiting');
  assert.equal(q.reserve('untrusted'), null, 'the line is full');
  assert.ok(q.reserve('trusted'), 'the trusted line has its own room');
  tickets[0]!.release();
  assert.ok(q.reserve('untrusted'), 'a place given back is free again');
});

test('a trusted ticket runs before every untrusted one that waited before it', async () => {
  const q = new HashQueue(2, 16);
  const log: string[] = [];
  const jobs = new Map<string, ReturnType<typeof job>>();
  const start = (priority: HashPriority, name: string) => {
    const j = job(log, name);
    jobs.set(name, j);
    return q.reserve(priority)!.run(j.work);
  };
  const running = [start('untrusted', 'u1'), start('untrusted', 'u2')];
  const waiting = Array.from({ length: 10 }, (_, i) => start('untrusted', `w${i}`));
  const owner = start('trusted', 'owner');
  await flush();
  assert.deepEqual(log, ['u1', 'u2'], 'two at once');
  assert.deepEqual(q.stats(), { running: 2, waiting: { trusted: 1, untrusted: 10 } });
  jobs.get('u1')!.finish();
  await flush();
  assert.deepEqual(log, ['u1', 'u2', 'owner'], 'the first free slot goes to the trusted ticket');
  jobs.get('owner')!.finish();
  assert.equal(await owner, 'owner');
  jobs.get('u2')!.finish();
  await flush();
  assert.deepEqual(log.slice(3), ['w0', 'w1'], 'then the untrusted line, first come first served');
  for (const [, j] of jobs) j.finish();
  for (let i = 0; i < 10; i++) {
    await flush();
    for (const [, j] of jobs) j.finish();
  }
  await Promise.all([...running, ...waiting]);
  assert.deepEqual(q.stats(), { running: 0, waiting: { trusted: 0, untrusted: 0 } });
});

test('a ticket runs once; releasing after it ran changes nothing; a failing job frees its slot', async () => {
  const q = new HashQueue(1, 1);
  const t = q.reserve('untrusted')!;
  await assert.rejects(
    t.run(async () => {
      throw new Error('argon2 failed');
    }),
    /argon2 failed/,
  );
  await assert.rejects(
    t.run(async () => 1),
    /runs once/,
  );
  t.release();
  assert.deepEqual(q.stats(), { running: 0, waiting: { trusted: 0, untrusted: 0 } });
  assert.equal(await q.reserve('untrusted')!.run(async () => 2), 2);
  assert.ok(q.retryAfterSeconds() >= 1);
});
