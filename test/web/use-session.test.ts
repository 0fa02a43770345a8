// The signed-in session as the SPA keeps it, and the API client under it: the CSRF token the session carries
// goes with every change (never with a read), and a 401 auth/required from any call signs the SPA out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { installFakeFetch } from './helpers/fake-fetch';
import { api, ApiError } from '../../web/src/api/client';
import { useSession } from '../../web/src/composables/useSession';

const http = installFakeFetch();
const SIGNED_IN = {
  signedIn: true,
  needsSetup: false,
  user: { id: 'u1', email: 'ana@example.com', role: 'support' },
  permissions: ['session', 'provider:read', 'token:mint'],
  grants: ['p1'],
  csrfToken: 'csrf-1',
};
const SIGNED_OUT = { signedIn: false, needsSetup: false };

test('load adopts the session; can() answers from its permissions; the CSRF token goes with changes only', async () => {
  const { session, load, can } = useSession();
  http.answer({ status: 200, body: SIGNED_IN });
  await load();
  assert.equal(session.value?.user?.email, 'ana@example.com');
  assert.equal(can('token:mint'), true);
  assert.equal(can('user:manage'), false);

  http.answer({ status: 200, body: [] }, { status: 204 });
  assert.deepEqual(await api.get('/api/providers'), []);
  assert.equal(await api.post('/api/presets', {}), undefined, 'a 204 answers undefined');
  const [read, change] = http.requests.slice(-2);
  assert.equal(read?.headers['x-csrf-token'], undefined);
  assert.equal(change?.headers['x-csrf-token'], 'csrf-1');
  assert.equal(change?.headers['content-type'], 'application/json');
});

test('a 401 auth/required from any call signs the SPA out; other refusals do not', async () => {
  const { session, load, can } = useSession();
  http.answer({ status: 200, body: SIGNED_IN });
  await load();

  http.answer({ status: 403, body: { statusCode: 403, error: 'auth/forbidden', message: 'Your role may not do this.', requestId: 'r' } });
  await assert.rejects(api.get('/api/users'), (err: unknown) => err instanceof ApiError && err.status === 403 && err.code === 'auth/forbidden');
  assert.equal(session.value?.signedIn, true);

  http.answer({ status: 401, body: { statusCode: 401, error: 'auth/required', message: 'Sign in again.', requestId: 'r' } });
  await assert.rejects(api.get('/api/providers'), (err: unknown) => err instanceof ApiError && err.code === 'auth/required');
  assert.deepEqual(session.value, SIGNED_OUT);
  assert.equal(can('provider:read'), false);

  http.answer({ status: 200, body: [] });
  await api.post('/api/session/password', {});
  assert.equal(http.requests.at(-1)?.headers['x-csrf-token'], undefined, 'the old CSRF token is dropped with the session');
});

test('signOut ends the session in the SPA even when the server cannot be reached', async () => {
  const { session, load, signOut } = useSession();
  http.answer({ status: 200, body: SIGNED_IN });
  await load();
  http.answer(new TypeError('Failed to fetch'));
  await signOut();
  assert.equal(http.requests.at(-1)?.method, 'DELETE');
  assert.deepEqual(session.value, SIGNED_OUT);
});

test('ApiError: unreachable server, an error body that is not JSON, and field errors', async () => {
  http.answer(new TypeError('Failed to fetch'));
  await assert.rejects(api.get('/api/meta'), { status: 0, code: 'client/network', message: 'The console server cannot be reached. Is it running?' });

  http.answer({ status: 502 });
  await assert.rejects(api.get('/api/meta'), { status: 502, code: 'client/unknown', message: 'The server answered 502.' });

  const body = { statusCode: 400, error: 'request/invalid', message: 'name: required', requestId: 'r', fields: [{ field: 'name', message: 'name: required' }] };
  http.answer({ status: 400, body });
  const err = await api.post('/api/providers', {}).catch((e: unknown) => e);
  assert.ok(err instanceof ApiError);
  assert.deepEqual(err.fieldMap(), { name: 'required' });
  assert.deepEqual(err.body, body);
});
