// Token-broker snippets, run by their real interpreters against a running console with an API key:
// each prints a JWT that verifies against the built-in emulator's keys and whose claims match the body.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { BROKER_SNIPPET_TARGETS, brokerUri, API_KEY_ENV } from '../../server/snippets/broker.js';
import { verifyWithJwks } from '../helpers/verify-token.js';
import { startWithDemo, type TestConsole } from '../helpers/console.js';
import { http } from '../helpers/http.js';
import { tempDir } from '../helpers/tmp.js';
import { SNIPPET_BODIES } from './fixtures.js';
import { runSnippet } from './run-snippet.js';

let app: TestConsole;
let demo: { id: string; tokenDurationMin: number };
let apiKey: string;
const work = tempDir('sat-broker-snippets-');

before(async () => {
  ({ app, demo } = await startWithDemo());
  const created = await http<{ key: string }>('POST', `${app.url}/api/api-keys`, {
    name: 'snippets',
    providerIds: [demo.id],
    rateLimitPerMinute: 1000,
  });
  assert.equal(created.status, 201);
  apiKey = created.json.key;
});
after(async () => {
  await app?.stop();
  work.cleanup();
});

for (const target of BROKER_SNIPPET_TARGETS.filter((t) => t.runnable)) {
  describe(`${target.title} token-broker snippet`, () => {
    for (const fixture of SNIPPET_BODIES) {
      test(`${fixture.id} body → a JWT whose claims match`, async () => {
        const source = target.render({ uri: brokerUri(app.url, demo.id), body: fixture.body });
        assert.equal(source.includes(apiKey), false, 'the key is never in a snippet');
        assert.match(source, new RegExp(API_KEY_ENV));
        const result = await runSnippet(target.id, source, join(work.path, target.id, fixture.id), { [API_KEY_ENV]: apiKey });
        assert.equal(result.code, 0, `${target.id} exited ${result.code}\n${result.stderr}\n--- source ---\n${source}`);
        const token = result.stdout.trim();
        const verified = await verifyWithJwks(token, app.emulator!.signer.jwks());
        assert.ok(verified.ok, `token does not verify: ${JSON.stringify(verified)}`);
        const c = verified.claims;
        assert.equal((c.exp as number) - (c.iat as number), demo.tokenDurationMin * 60);
        assert.equal(c.first_name, fixture.body.first_name);
        assert.deepEqual(c.metadata, fixture.body.metadata ?? {});
      });
    }
  });
}

test("a broker snippet run with a wrong key fails with the console's reason, and PowerShell sends the same request", async () => {
  const curl = BROKER_SNIPPET_TARGETS.find((t) => t.id === 'curl')!;
  const result = await runSnippet('curl', curl.render({ uri: brokerUri(app.url, demo.id), body: {} }), join(work.path, 'wrong'), {
    [API_KEY_ENV]: 'satk_000000000000_wrong',
  });
  assert.notEqual(result.code, 0);
  assert.match(result.stdout + result.stderr, /auth\/invalid_key/);
  const ps = BROKER_SNIPPET_TARGETS.find((t) => t.id === 'powershell')!.render({
    uri: brokerUri(app.url, demo.id),
    body: { first_name: "O'Brien" },
  });
  assert.match(ps, /Authorization = "Bearer \$env:SAT_API_KEY"/);
  assert.match(ps, /'\{"first_name":"O''Brien"\}'/);
  assert.ok(ps.includes(`'${app.url}/api/v1/providers/${demo.id}/tokens'`));
});
