import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launchLink } from '../../server/frame/launch-link.js';

test('a launch link gets the token in its fragment, replacing any fragment it had', () => {
  assert.deepEqual(launchLink('https://console.nutanix.com/x/launch?app=1', 'a.b.c', false), {
    ok: true,
    url: 'https://console.nutanix.com/x/launch?app=1#token=a.b.c',
  });
  assert.deepEqual(launchLink(' https://console.nutanix.com/#/old ', 'a.b.c', true), {
    ok: true,
    url: 'https://console.nutanix.com/#token=a.b.c&qlo=1',
  });
});

test('text that is not an http(s) link is refused with a hint', () => {
  assert.equal(launchLink('console.nutanix.com', 'a.b.c', false).ok, false);
  assert.equal(launchLink('javascript:alert(1)', 'a.b.c', false).ok, false);
});
