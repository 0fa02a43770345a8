// The SPA says the password rule in one place (format/password.ts); its number must be the server's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MIN_PASSWORD_LENGTH } from '../../server/contract/auth';
import { PASSWORD_RULE } from '../../web/src/format/password';

test("the password hint's minimum length is the contract's", () => {
  assert.match(PASSWORD_RULE, new RegExp(`^At least ${MIN_PASSWORD_LENGTH} characters`));
});
