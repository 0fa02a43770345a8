// useMeta loads the console's presets and limits once for the whole app. A load that failed must not be kept:
// the next form that asks tries again, and the person is told why the lists are empty.
import { afterEach, beforeEach, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { installFakeFetch } from './helpers/fake-fetch';
import { useMeta } from '../../web/src/composables/useMeta';
import { useToasts } from '../../web/src/composables/useToasts';

const META = {
  upstreams: [{ id: 'emulator', label: 'Built-in emulator', url: 'builtin:emulator', environment: 'emulator' }],
  entityLevels: ['account', 'organization', 'customer'],
  tokenDuration: { min: 5, max: 480 },
  builtinEmulatorUrl: 'http://127.0.0.1:8080/emulator',
};
const http = installFakeFetch();

beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] })); // node's mock timers: nothing waits
afterEach(() => mock.timers.reset());

test('a failed load is told and not kept: the next useMeta() asks the server again; a good load is kept', async () => {
  http.answer({ status: 503, body: { statusCode: 503, error: 'internal/error', message: 'The database is busy.', requestId: 'r1' } });
  const first = useMeta();
  await first.ready.catch(() => undefined);
  assert.equal(first.meta.value, null);
  const told = useToasts().toasts.map((t) => [t.kind, t.text]);
  assert.deepEqual(told, [['error', "The console's presets and limits did not load: The database is busy."]]);

  http.answer({ status: 200, body: META });
  const second = useMeta();
  await second.ready;
  assert.deepEqual(second.meta.value, META);
  assert.equal(http.requests.length, 2);
  assert.deepEqual(
    http.requests.map((r) => `${r.method} ${r.url}`),
    ['GET /api/meta', 'GET /api/meta'],
  );

  await useMeta().ready;
  assert.equal(http.requests.length, 2, 'a loaded meta is not asked for again');
});
