// Restarting on the same data directory: nothing is seeded twice, the built-in emulator knows the stored
// credentials again, tokens minted before still verify, and a wrong master key refuses to start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { verifyWithJwks } from '../helpers/verify-token.js';
import { startTestConsole } from '../helpers/console.js';
import { http } from '../helpers/http.js';
import { tempDir } from '../helpers/tmp.js';

test('a restart keeps data, secrets, emulator registrations and the signing key', async (t) => {
  const dir = tempDir();
  let second: Awaited<ReturnType<typeof startTestConsole>> | undefined;
  t.after(async () => {
    await second?.close();
    dir.cleanup();
  });
  const key = randomBytes(32).toString('hex');

  const first = await startTestConsole({ SAT_MASTER_KEY: key }, { dataDir: dir.path });
  const [demo] = (await http<any[]>('GET', `${first.url}/api/providers`)).json;
  const before = await http<any>('POST', `${first.url}/api/providers/${demo.id}/tokens`, { email: 'a@example.com' });
  assert.equal(before.status, 200);
  await first.close();

  second = await startTestConsole({ SAT_MASTER_KEY: key }, { dataDir: dir.path });
  const providers = (await http<any[]>('GET', `${second.url}/api/providers`)).json;
  assert.deepEqual(
    providers.map((p) => p.id),
    [demo.id],
    'the demo is not seeded twice',
  );
  const after = await http<any>('POST', `${second.url}/api/providers/${demo.id}/tokens`, { email: 'a@example.com' });
  assert.equal(after.status, 200, after.text);
  assert.equal(after.json.claims.sub, before.json.claims.sub, 'same email, same subject');
  const jwks = (await http<{ keys: object[] }>('GET', `${second.url}/emulator/.well-known/jwks.json`)).json;
  assert.ok((await verifyWithJwks(before.json.token, jwks)).ok, 'a token from before the restart still verifies');
});

test('a wrong master key refuses to start, naming the key it needs, and changes nothing', async (t) => {
  const dir = tempDir();
  t.after(dir.cleanup);
  const first = await startTestConsole(
    { SAT_MASTER_KEY: randomBytes(32).toString('hex'), SAT_MASTER_KEY_ID: 'key-a' },
    { dataDir: dir.path },
  );
  await first.close();
  await assert.rejects(
    startTestConsole({ SAT_MASTER_KEY: randomBytes(32).toString('hex'), SAT_MASTER_KEY_ID: 'key-b' }, { dataDir: dir.path }),
    /sealed with master key "key-a", which is not configured/,
  );
  await assert.rejects(
    startTestConsole({ SAT_MASTER_KEY: randomBytes(32).toString('hex'), SAT_MASTER_KEY_ID: 'key-a' }, { dataDir: dir.path }),
    /failed authentication under master key "key-a"/,
  );
});
