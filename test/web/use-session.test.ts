// The signed-in session as the SPA keeps it, and the API client under it: the CSRF token the session carries
// goes with every change (never with a read), and a 401 auth/required from any call marks the session ended
// (the page stays, under the session-ended dialog) until the same user signs in again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { installFakeFetch } from './helpers/fake-fetch';
import { ApiError } from '../../web/src/api/client';
import { deletePreset } from '../../web/src/api/presets';
import { createProvider, listProviders } from '../../web/src/api/providers';
import { changePassword } from '../../web/src/api/session';
import { getMeta } from '../../web/src/api/meta';
import { listUsers } from '../../web/src/api/users';
import { useSession } from '../../web/src/composables/useSession';

const http = installFakeFetch();
const SIGNED_IN = {
  signedIn: true,
  needsSetup: false,
  user: { id: 'u1', email: 'ana@example.com', role: 'support' as const },
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
  assert.deepEqual(await listProviders(), []);
  assert.equal(await deletePreset('0b9c2f5e-4f4e-4a8e-9d7c-2f1e0e6b8a11'), undefined, 'a 204 answers undefined');
  const [read, change] = http.requests.slice(-2);
  assert.equal(read?.headers['x-csrf-token'], undefined);
  assert.equal(change?.headers['x-csrf-token'], 'csrf-1');
  assert.equal(change?.method, 'DELETE');
});

test('a 401 auth/required from any call marks the session ended and keeps the page; the same user signing in resumes', async () => {
  const { session, sessionEnded, load, resume, can } = useSession();
  http.answer({ status: 200, body: SIGNED_IN });
  await load();

  http.answer({ status: 403, body: { statusCode: 403, error: 'auth/forbidden', message: 'Your role may not do this.', requestId: 'r' } });
  await assert.rejects(listUsers(), (err: unknown) => err instanceof ApiError && err.status === 403 && err.code === 'auth/forbidden');
  assert.equal(session.value?.signedIn, true);
  assert.equal(sessionEnded.value, null, 'other refusals end nothing');

  http.answer({ status: 401, body: { statusCode: 401, error: 'auth/required', message: 'Sign in again.', requestId: 'r' } });
  await assert.rejects(listProviders(), (err: unknown) => err instanceof ApiError && err.code === 'auth/required');
  assert.deepEqual(sessionEnded.value, { userId: 'u1', email: 'ana@example.com' });
  assert.equal(session.value?.signedIn, true, 'the page stays mounted under the dialog');
  assert.equal(can('provider:read'), true);

  http.answer({ status: 204 });
  await changePassword({ currentPassword: 'old password 1', newPassword: 'new password 22' });
  assert.equal(http.requests.at(-1)?.headers['x-csrf-token'], undefined, 'the old CSRF token is dropped with the session');

  resume({ ...SIGNED_IN, csrfToken: 'csrf-2' });
  assert.equal(sessionEnded.value, null);
  http.answer({ status: 204 });
  await changePassword({ currentPassword: 'old password 1', newPassword: 'new password 22' });
  assert.equal(http.requests.at(-1)?.headers['x-csrf-token'], 'csrf-2', "the new session's CSRF token goes with changes");
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
  await assert.rejects(getMeta(), { status: 0, code: 'client/network', message: 'The console server cannot be reached. Is it running?' });

  http.answer({ status: 502 });
  await assert.rejects(getMeta(), { status: 502, code: 'client/unknown', message: 'The server answered 502.' });

  const fields = [{ field: 'name', message: 'name: required' }];
  const body = { statusCode: 400, error: 'request/invalid', message: 'name: required', requestId: 'r', fields };
  http.answer({ status: 400, body });
  const provider = { tokenDurationMin: 60, entityLevel: 'account', entityId: 'e1', credentialSetId: 'c1' } as const;
  const err = await createProvider(provider).catch((e: unknown) => e);
  assert.ok(err instanceof ApiError);
  assert.deepEqual(err.fieldMap(), { name: 'required' });
  assert.deepEqual(err.body, body);
});
