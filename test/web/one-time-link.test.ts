// The one-time links the SPA shows and opens: the token in the fragment, and the page's shape check the same as
// the contract's, so a link the server would take is never called incomplete (and the reverse).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Value } from 'typebox/value';
import { LinkTokenSchema } from '../../server/contract/common';
import { isLinkToken, oneTimeLink } from '../../web/src/format/one-time-link';

test('a link puts the token in the fragment of its page', () => {
  assert.equal(oneTimeLink('reset-password', 'abc', 'https://console.example'), 'https://console.example/reset-password#abc');
});

test("the page's token check agrees with the contract's LinkTokenSchema", () => {
  const samples = ['a'.repeat(19), 'a'.repeat(20), 'A-z_0'.repeat(20), 'a'.repeat(101), `${'a'.repeat(30)}=`, `${'a'.repeat(30)}.b`, ''];
  for (const s of samples) assert.equal(isLinkToken(s), Value.Check(LinkTokenSchema, s), JSON.stringify(s));
});
