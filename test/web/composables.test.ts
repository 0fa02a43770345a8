// The SPA's composables driven without a browser: Vue's reactivity runs in Node, timers are mocked, and the
// API client's fetch is a fake (the only global the client touches).
import { afterEach, beforeEach, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { effectScope } from 'vue';
import { ApiError } from '../../web/src/api/client';
import { useResource } from '../../web/src/composables/useResource';
import { useSubmit } from '../../web/src/composables/useSubmit';
import { useToasts } from '../../web/src/composables/useToasts';
import { useClipboard } from '../../web/src/composables/useClipboard';
import { useNow } from '../../web/src/composables/useNow';

beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'], now: 1_700_000_000_000 })); // node's mock timers: these tests move time, nothing waits
afterEach(() => {
  mock.timers.reset();
  const { toasts, dismiss } = useToasts();
  for (const t of [...toasts]) dismiss(t.id);
});

/** A promise and the functions that settle it, to look at the state while a load is in flight. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

test('useResource: loading while the load runs, then the data; an error keeps the old data and says why', async () => {
  let next = deferred<string[]>();
  const list = useResource(() => next.promise, []);
  assert.deepEqual([list.loading.value, list.data.value, list.error.value], [false, [], null]);

  const first = list.refresh();
  assert.equal(list.loading.value, true);
  next.resolve(['a', 'b']);
  await first;
  assert.deepEqual([list.loading.value, list.data.value, list.error.value], [false, ['a', 'b'], null]);

  next = deferred<string[]>();
  const second = list.refresh();
  next.reject(new ApiError(403, 'auth/forbidden', 'Your role may not read this.'));
  await second;
  assert.deepEqual([list.loading.value, list.data.value, list.error.value], [false, ['a', 'b'], 'Your role may not read this.']);

  next = deferred<string[]>();
  const third = list.refresh();
  assert.equal(list.error.value, null, 'a new attempt clears the old error');
  next.resolve([]);
  await third;
  assert.deepEqual(list.data.value, []);
});

test('useSubmit: busy while running; the result, or undefined with the message and the field errors', async () => {
  const form = useSubmit();
  const work = deferred<number>();
  const running = form.run(() => work.promise);
  assert.equal(form.busy.value, true);
  work.resolve(42);
  assert.equal(await running, 42);
  assert.deepEqual([form.busy.value, form.error.value, form.fields.value, form.summary.value], [false, null, {}, null]);

  const message = 'email: must be an email address';
  const refused = new ApiError(400, 'request/invalid', message, [{ field: 'email', message }]);
  assert.equal(await form.run(() => Promise.reject(refused)), undefined);
  assert.equal(form.busy.value, false);
  assert.equal(form.error.value, 'email: must be an email address');
  assert.deepEqual(form.fields.value, { email: 'must be an email address' }, 'the field name is not repeated next to its field');
  assert.equal(form.summary.value, null, 'an error shown at its field is not told twice');

  assert.equal(await form.run(() => Promise.reject(new ApiError(409, 'user/duplicate', 'That email is taken.'))), undefined);
  assert.deepEqual([form.fields.value, form.summary.value], [{}, 'That email is taken.'], 'each attempt starts from no field errors');

  assert.equal(await form.run(() => Promise.reject(new TypeError('boom'))), undefined);
  assert.equal(form.summary.value, 'TypeError: boom');
});

test('useToasts: one list for the whole app; a success goes after 4 s, an error after 8 s, dismiss removes one', () => {
  const a = useToasts();
  const b = useToasts();
  a.success('Saved.');
  b.error('Refused.');
  assert.deepEqual(
    a.toasts.map((t) => [t.kind, t.text]),
    [
      ['success', 'Saved.'],
      ['error', 'Refused.'],
    ],
  );
  assert.equal(a.toasts, b.toasts);
  mock.timers.tick(4000);
  assert.deepEqual(
    a.toasts.map((t) => t.text),
    ['Refused.'],
  );
  mock.timers.tick(3999);
  assert.equal(a.toasts.length, 1);
  mock.timers.tick(1);
  assert.equal(a.toasts.length, 0);

  a.success('One.');
  a.success('Two.');
  a.dismiss(a.toasts[0]!.id);
  assert.deepEqual(
    a.toasts.map((t) => t.text),
    ['Two.'],
  );
  a.dismiss(-1);
  assert.equal(a.toasts.length, 1, 'dismissing an unknown id changes nothing');
});

test('useClipboard: copied for 1.5 s after a copy; a refused copy resolves false and is told, never thrown', async (t) => {
  const written: string[] = [];
  let refuse = false;
  const clipboard = {
    writeText: async (text: string) => {
      if (refuse) throw new DOMException('Write permission denied.', 'NotAllowedError');
      written.push(text);
    },
  };
  t.after(() => Reflect.deleteProperty(globalThis, 'navigator'));
  Object.defineProperty(globalThis, 'navigator', { value: { clipboard }, configurable: true });

  const { copied, copy } = useClipboard();
  assert.equal(await copy('eyJ.token'), true);
  assert.deepEqual(written, ['eyJ.token']);
  assert.equal(copied.value, true);
  mock.timers.tick(1499);
  assert.equal(copied.value, true);
  mock.timers.tick(1);
  assert.equal(copied.value, false);

  refuse = true;
  assert.equal(await copy('secret'), false);
  assert.equal(copied.value, false);
  assert.deepEqual(
    useToasts().toasts.map((x) => x.kind),
    ['error'],
  );

  // A plain-http page has no navigator.clipboard at all.
  Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true });
  assert.equal(await copy('x'), false);
});

test('useNow: ticks every second while its scope lives and stops when the scope ends', () => {
  const scope = effectScope();
  const now = scope.run(() => useNow())!;
  assert.equal(now.value, 1_700_000_000_000);
  mock.timers.tick(1000);
  assert.equal(now.value, 1_700_000_001_000);
  mock.timers.tick(1000);
  mock.timers.tick(1000);
  assert.equal(now.value, 1_700_000_003_000);
  scope.stop();
  mock.timers.tick(5000);
  assert.equal(now.value, 1_700_000_003_000, 'no timer is left running after the component is gone');
});
