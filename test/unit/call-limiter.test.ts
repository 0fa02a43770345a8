// The global cap on bulk calls: never more than its capacity in flight, free slots handed round-robin
// between jobs (not by how many workers each has waiting), and a stopped job's waiters sent away.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CallLimiter, type Release } from '../../server/services/call-limiter.js';

test('at most capacity slots are out; a freed slot goes to the jobs in turn', async () => {
  const limiter = new CallLimiter(2);
  const order: string[] = [];
  const held: Release[] = [];
  const take = (key: string) =>
    limiter.acquire(key).then((release) => {
      order.push(key);
      held.push(release!);
    });
  await Promise.all([take('big'), take('big')]);
  assert.equal(limiter.inFlight, 2);
  // The big job queues five more workers before the small job asks for one.
  const waiting = [...Array.from({ length: 5 }, () => take('big')), take('small'), take('small')];
  await Promise.resolve();
  assert.deepEqual(order, ['big', 'big']);
  for (let i = 0; i < 7; i++) {
    held.shift()!();
    await new Promise((r) => setImmediate(r));
    assert.ok(limiter.inFlight <= 2);
  }
  await Promise.all(waiting);
  assert.deepEqual(order.slice(2), ['big', 'small', 'big', 'small', 'big', 'big', 'big']);
  held.splice(0).forEach((release) => release());
  assert.equal(limiter.inFlight, 0);
});

test('a release counts once, and a dropped job leaves the queue without a slot', async () => {
  const limiter = new CallLimiter(1);
  const first = (await limiter.acquire('a'))!;
  const dropped = limiter.acquire('a');
  const other = limiter.acquire('b');
  limiter.drop('a');
  assert.equal(await dropped, null);
  first();
  first();
  const release = await other;
  assert.ok(release);
  assert.equal(limiter.inFlight, 1);
  release();
  assert.equal(limiter.inFlight, 0);
  assert.throws(() => new CallLimiter(0), /capacity of 1 or more/);
});
