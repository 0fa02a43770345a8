// The sign-in throttling rules as pure functions of a counter and the time, and what an address counter counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ACCOUNT_POLICY,
  ADDRESS_POLICY,
  PAIR_POLICY,
  PASSWORD_POLICY,
  admit,
  afterFailure,
  afterSuccess,
  effectiveLevel,
  expiresAt,
  released,
  type CounterState,
} from '../../server/auth/throttle.js';
import { addressCounter, pairCounter } from '../../server/auth/throttle-store.js';
import { addressGroup } from '../../server/auth/address-group.js';

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
  assert.equal(
    state!.refused,
    1,
    'only the attempt refused after the last lock is still to be put on record: each lock took those before it',
  );
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

test('the password-change counter: 5 wrong in 15 minutes lock for 15 minutes, never longer', () => {
  let state: CounterState | undefined;
  const locks: number[] = [];
  let now = 0;
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 5; i++) {
      const r = fail(state, now, PASSWORD_POLICY);
      assert.ok(r.admitted);
      state = r.state;
      if (r.lockMs) locks.push(r.lockMs / MIN);
    }
    assert.equal(fail(state, now, PASSWORD_POLICY).admitted, false, 'the 6th is refused');
    now = state!.lockedUntil!;
  }
  assert.deepEqual(locks, [15, 15, 15]);
});

test('addresses are counted per client: an IPv4 address, an IPv6 /64, an IPv4-mapped IPv6 address as its IPv4 one', () => {
  const same = (a: string, b: string) => assert.equal(addressCounter(a).key, addressCounter(b).key, `${a} and ${b}`);
  const other = (a: string, b: string) => assert.notEqual(addressCounter(a).key, addressCounter(b).key, `${a} and ${b}`);
  same('2001:db8:1:2::1', '2001:db8:1:2:ffff:ffff:ffff:ffff');
  same('2001:db8:1:2::1', '2001:0DB8:0001:0002:0:0:0:9');
  same('2001:db8:1:2::1', '2001:db8:1:2::abcd%eth0');
  other('2001:db8:1:2::1', '2001:db8:1:3::1');
  same('::ffff:192.0.2.7', '192.0.2.7');
  same('::ffff:c000:207', '192.0.2.7');
  other('192.0.2.7', '192.0.2.8');
  assert.deepEqual(addressCounter('2001:db8:a:b:c:d:e:f').subject, { address: '2001:db8:a:b::/64' });
  assert.deepEqual(pairCounter('a@example.test', '2001:db8:a:b::1').subject, { email: 'a@example.test', address: '2001:db8:a:b::/64' });
  assert.equal(addressGroup('1:2:3:4:5:6:7:8'), '1:2:3:4::/64');
  assert.equal(addressGroup('not an address'), 'not an address');
});
