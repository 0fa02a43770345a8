import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isProviderName, isUuid, parseTokenUri, tokenPath, tokenUri } from '../../server/frame/entity.js';

const entityId = '3f1e2d4c-5b6a-4978-8a1b-2c3d4e5f6a7b';
const providerName = 'secure-anon-64930212-2062-48a4-971b-7998672a9d2e';

test('token URIs for account, organization and customer providers', () => {
  const base = 'https://api.console.nutanix.com';
  assert.equal(
    tokenUri(base, { level: 'account', entityId, providerName }),
    `${base}/v1/accounts/${entityId}/secure-anonymous/${providerName}/tokens`,
  );
  assert.equal(
    tokenUri(base, { level: 'organization', entityId, providerName }),
    `${base}/v1/organizations/${entityId}/secure-anonymous/${providerName}/tokens`,
  );
  assert.equal(
    tokenUri(base, { level: 'customer', entityId, providerName }),
    `${base}/v1/customers/${entityId}/secure-anonymous/${providerName}/tokens`,
  );
});

test('a trailing slash or a path prefix on the base URL is handled', () => {
  assert.equal(
    tokenUri('https://x.example/', { level: 'account', entityId, providerName }),
    `https://x.example/v1/accounts/${entityId}/secure-anonymous/${providerName}/tokens`,
  );
  assert.equal(
    tokenUri('http://127.0.0.1:8080/emulator', { level: 'account', entityId, providerName }).startsWith(
      'http://127.0.0.1:8080/emulator/v1/accounts/',
    ),
    true,
  );
  assert.equal(tokenPath({ level: 'account', entityId: 'a/b', providerName }).includes('a%2Fb'), true);
});

test("Frame's Playground URL (British spelling) parses back into its parts", () => {
  const parsed = parseTokenUri(`https://api.console.nutanix.com/v1/organisations/${entityId}/secure-anonymous/${providerName}/tokens`);
  assert.deepEqual(parsed, { baseUrl: 'https://api.console.nutanix.com', level: 'organization', entityId, providerName });
  const withPrefix = parseTokenUri(`http://127.0.0.1:8080/emulator/v1/customers/${entityId}/secure-anonymous/${providerName}/tokens`);
  assert.equal(withPrefix?.baseUrl, 'http://127.0.0.1:8080/emulator');
  assert.equal(withPrefix?.level, 'customer');
});

test('text that is not a token URL parses to null', () => {
  assert.equal(parseTokenUri('not a url'), null);
  assert.equal(parseTokenUri('https://api.console.nutanix.com/v1/accounts/x/sessions'), null);
  assert.equal(parseTokenUri(`https://h/v1/teams/${entityId}/secure-anonymous/${providerName}/tokens`), null);
});

test('UUID and provider name checks', () => {
  assert.equal(isUuid(entityId), true);
  assert.equal(isUuid('3f1e2d4c5b6a49788a1b2c3d4e5f6a7b'), false);
  assert.equal(isProviderName(providerName), true);
  assert.equal(isProviderName('secure-anon-123'), false);
  assert.equal(isProviderName(`x${providerName}`), false);
});
