// The sign-in throttling rules as pure functions of a counter and the time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACCOUNT_POLICY, ADDRESS_POLICY, PAIR_POLICY, admit, afterFailure, afterSuccess, effectiveLevel, expiresAt, released, type CounterState } from '../../server/auth/throttle.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

/** Admits and fails one attempt; the new state and whether it was let in / set a lock. */
function fail(state: CounterState | undefined, now: number, policy = ACCOUNT_POLICY) {
  const a = admit(state, policy, now);
  if (!a.admitted) return { state: a.state, admitted: false, lockMs: 0, retryMs: a.retryMs };
  const f = afterFailure(a.state, policy, now);
  return { state: f.state, admitted: true, lockMs: f.lockMs, retryMs: 0 };
}

test('the account lock: 10 failures, then 15 min, doubling at each lock up to 24 h', () => {
  let state: CounterState | undefined;
  let now = 0;
  const locks: number[] = [];
  for (let round = 0; round < 9; round++) {
    for (let i = 0; i < 10; i++) {
      const r = fail(state, now);
      assert.ok(r.admitted, `round ${round} attempt ${i}`);
      state = r.state;
      if (r.lockMs) locks.push(r.lockMs / MIN);
    }
    const refused = fail(state, now);
    assert.equal(refused.admitted, false);
    state = refused.state;
    now = state.lockedUntil!;
  }
  assert.deepEqual(locks, [15, 30, 60, 120, 240, 480, 960, 1440, 1440]);
  assert.equal(state!.refused, 1, 'only the attempt refused after the last lock is still to be put on record: each lock took those before it');
});

test('a day without a lock forgives one doubling', () => {
  const state: CounterState = { failures: 0, windowStart: 0, lockedUntil: 10 * HOUR, level: 3, refused: 0 };
  assert.equal(effectiveLevel(state, ACCOUNT_POLICY, 10 * HOUR + 23 * HOUR), 3);
  assert.equal(effectiveLevel(state, ACCOUNT_POLICY, 10 * HOUR + 24 * HOUR), 2);
  assert.equal(effectiveLevel(state, ACCOUNT_POLICY, 10 * HOUR + 100 * 24 * HOUR), 0);
  assert.equal(expiresAt(state, ACCOUNT_POLICY), 10 * HOUR + 3 * 24 * HOUR, 'kept until the doublings are forgiven');
});

test('attempts in flight count: the 11th concurrent attempt is refused before any failed, and a success gives its place back', () => {
  let state: CounterState | undefined;
  for (let i = 0; i < 10; i++) {
    const a = admit(state, ACCOUNT_POLICY, 0);
    assert.ok(a.admitted);
    state = a.state;
  }
  const eleventh = admit(state, ACCOUNT_POLICY, 0);
  assert.equal(eleventh.admitted, false);
  assert.equal(released(state)!.failures, 9);
  assert.equal(afterSuccess(state)!.failures, 0);
});

test('the pair lock: 5 failures in 15 minutes, then 15 minutes, never longer; failures older than the window are forgotten', () => {
  let state: CounterState | undefined;
  for (let i = 0; i < 4; i++) state = fail(state, i * MIN, PAIR_POLICY).state;
  state = fail(state, 16 * MIN, PAIR_POLICY).state;
  assert.equal(state.failures, 1, 'a new window');
  const locks: number[] = [];
  let now = 16 * MIN;
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 5; i++) {
      const r = fail(state, now, PAIR_POLICY);
      state = r.state;
      if (r.lockMs) locks.push(r.lockMs / MIN);
    }
    now = state.lockedUntil!;
  }
  assert.deepEqual(locks, [15, 15, 15]);
});

test('the address window: 30 attempts per 5 minutes; one first refusal; the refused ones summed up once the window ends', () => {
  let state: CounterState | undefined;
  const firsts: boolean[] = [];
  for (let i = 0; i < 100; i++) {
    const a = admit(state, ADDRESS_POLICY, 1000);
    state = a.state;
    if (!a.admitted) {
      firsts.push(a.first);
      assert.equal(a.retryMs, 5 * MIN, 'until the window that began with the first attempt ends');
    }
  }
  assert.equal(firsts.length, 70);
  assert.deepEqual(firsts.filter(Boolean), [true]);
  const later = admit(state, ADDRESS_POLICY, 5 * MIN + 1000);
  assert.deepEqual([later.admitted, later.summary], [true, 70]);
  assert.equal(admit(later.state, ADDRESS_POLICY, 5 * MIN + 2000).summary, 0, 'summed up once');
});
