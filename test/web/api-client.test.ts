// The typed API client: each resource function sends its route's method, path, query and body, ids are
// encoded as one path segment, and empty query values are left out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { installFakeFetch } from './helpers/fake-fetch';
import { path, withQuery } from '../../web/src/api/client';
import { deleteCredentialSet } from '../../web/src/api/credential-sets';
import { mintToken } from '../../web/src/api/playground';
import { listProviders } from '../../web/src/api/providers';
import { auditCsvUrl, listAudit } from '../../web/src/api/audit';
import { bulkResultsUrl, cancelBulkJob } from '../../web/src/api/bulk';
import { listHistory } from '../../web/src/api/history';

const http = installFakeFetch();
const sent = () => {
  const r = http.requests.at(-1)!;
  return { method: r.method, url: r.url, body: r.body };
};

test('path encodes each value as one segment; withQuery leaves out undefined, null and empty values', () => {
  assert.equal(path`/api/providers/${'a/../b?c=d#e'}/presets`, '/api/providers/a%2F..%2Fb%3Fc%3Dd%23e/presets');
  assert.equal(path`/api/bulk/${42}`, '/api/bulk/42');
  assert.equal(withQuery('/api/x', {}), '/api/x');
  assert.equal(withQuery('/api/x', { a: '', b: undefined, c: null, d: 'x y&z', e: 0, f: false }), '/api/x?d=x+y%26z&e=0&f=false');
});

test('resource functions send their route: method, path, query and body', async () => {
  http.answer({ status: 200, body: [] });
  await listProviders({ q: 'kiosk', sort: 'name', order: 'desc', tag: '', upstream: '' });
  assert.deepEqual(sent(), { method: 'GET', url: '/api/providers?q=kiosk&sort=name&order=desc', body: undefined });

  http.answer({ status: 200, body: { deletedProviders: 0, movedProviders: 2 } });
  assert.deepEqual(await deleteCredentialSet('c1', { providers: 'move', moveTo: 'c2' }), { deletedProviders: 0, movedProviders: 2 });
  assert.deepEqual(sent(), { method: 'DELETE', url: '/api/credential-sets/c1?providers=move&moveTo=c2', body: undefined });

  http.answer({ status: 200, body: {} });
  await mintToken('p1', { email: 'a@example.com' }, { keepToken: 'true' });
  assert.deepEqual(sent(), { method: 'POST', url: '/api/providers/p1/tokens?keepToken=true', body: { email: 'a@example.com' } });

  http.answer({ status: 200, body: [] });
  await listAudit({ actor: 'ana@example.com', limit: '50', before: undefined });
  assert.deepEqual(sent(), { method: 'GET', url: '/api/audit?actor=ana%40example.com&limit=50', body: undefined });

  http.answer({ status: 200, body: [] });
  await listHistory({ providerId: 'p1', limit: '20' });
  assert.deepEqual(sent(), { method: 'GET', url: '/api/history?providerId=p1&limit=20', body: undefined });

  http.answer({ status: 200, body: {} });
  await cancelBulkJob('j1');
  assert.deepEqual(sent(), { method: 'POST', url: '/api/bulk/j1/cancel', body: {} });
});

test('download links are built by the client too', () => {
  assert.equal(bulkResultsUrl('j1', 'csv'), '/api/bulk/j1/results?format=csv');
  const csv = auditCsvUrl({ outcome: 'ok', from: '2025-01-01T00:00:00.000Z' });
  assert.equal(csv, '/api/audit.csv?outcome=ok&from=2025-01-01T00%3A00%3A00.000Z');
  assert.equal(auditCsvUrl(), '/api/audit.csv');
});
