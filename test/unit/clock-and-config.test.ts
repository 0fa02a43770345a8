import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clockOffsetSeconds, describeOffset } from '../../server/upstream/clock.js';
import { loadConfig } from '../../server/config.js';
import { normaliseUpstream } from '../../server/services/upstreams.js';
import { AllowedHosts } from '../../server/upstream/address-policy.js';

test('clock offset is the server time minus the midpoint of the round trip', () => {
  const sent = Date.parse('2026-01-01T00:00:00.000Z');
  assert.equal(clockOffsetSeconds(new Date(sent + 600_000).toUTCString(), sent, sent + 200), 600);
  assert.equal(clockOffsetSeconds(new Date(sent - 30_000).toUTCString(), sent, sent + 200), -30);
  assert.equal(clockOffsetSeconds(undefined, sent, sent), null);
  assert.equal(clockOffsetSeconds('yesterday-ish', sent, sent), null);
  assert.equal(clockOffsetSeconds(new Date(sent + 2_305).toUTCString(), sent + 300, sent + 310), 2, 'a 2 s skew over a 10 ms round trip');
  assert.equal(clockOffsetSeconds(new Date(sent + 1_305).toUTCString(), sent + 300, sent + 310), 1, 'a 1 s skew over a 10 ms round trip');
  assert.equal(describeOffset(600), 'our clock is 600 s behind the upstream clock');
  assert.equal(describeOffset(-5), 'our clock is 5 s ahead of the upstream clock');
});

test('clocks that agree give offset 0, however late in the round trip the Date header was made', () => {
  const second = Date.parse('2026-01-01T00:00:01.000Z');
  // Same clock: a slow first exchange (600 ms) whose answer, and so its Date, was made at its very end,
  // on a second boundary. The midpoint alone would read +0.8 s and round to 1.
  assert.equal(clockOffsetSeconds(new Date(second).toUTCString(), second - 600, second), 0);
  // ... and one whose Date was made at its very start, just before the next second.
  assert.equal(clockOffsetSeconds(new Date(second - 1).toUTCString(), second - 1, second + 600), 0);
});

test('configuration defaults and clear messages for bad values', () => {
  const c = loadConfig({});
  assert.equal(c.port, 8080);
  assert.equal(c.host, '127.0.0.1');
  assert.equal(c.emulator.enabled, true);
  assert.throws(() => loadConfig({ PORT: 'eighty' }), /PORT must be an integer from 0 to 65535, got "eighty"/);
  assert.throws(() => loadConfig({ EMULATOR_ENABLED: 'maybe' }), /EMULATOR_ENABLED must be true or false/);
  assert.throws(() => loadConfig({ LOG_LEVEL: 'loud' }), /LOG_LEVEL must be one of/);
});

test('upstreams must be https, except loopback http for a local emulator', () => {
  assert.deepEqual(normaliseUpstream('https://api.console.nutanix.com/'), { ok: true, url: 'https://api.console.nutanix.com' });
  assert.match(
    (normaliseUpstream('http://127.0.0.1:8090') as { message: string }).message,
    /loopback.*UPSTREAM_ALLOW_HOSTS=127\.0\.0\.1:8090/,
  );
  assert.deepEqual(normaliseUpstream('http://127.0.0.1:8090', new AllowedHosts(['127.0.0.1:8090'])), {
    ok: true,
    url: 'http://127.0.0.1:8090',
  });
  assert.equal(normaliseUpstream('builtin:emulator').ok, true);
  assert.match((normaliseUpstream('http://example.com') as { message: string }).message, /must use https/);
  assert.match((normaliseUpstream('https://u:p@example.com') as { message: string }).message, /user name or password/);
  assert.match((normaliseUpstream('ftp://example.com') as { message: string }).message, /https URL/);
  assert.match((normaliseUpstream('nope') as { message: string }).message, /is not a URL/);
});
