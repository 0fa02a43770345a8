// Snippet proof: every runnable language × every fixture body is run by its real interpreter against the
// emulator and must print a JWT that verifies and whose claims match the body. PowerShell and C# (no
// runtime here) are golden files plus a check of their signing recipe.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { SNIPPET_TARGETS } from '../../server/snippets/targets.js';
import { tokenUri } from '../../server/frame/entity.js';
import { verifyWithJwks } from '../helpers/verify-token.js';
import { startEmulator, type TestEmulator } from '../helpers/emulator.js';
import { tempDir } from '../helpers/tmp.js';
import { assertGolden } from '../helpers/golden.js';
import { providerName } from '../helpers/fixtures.js';
import { SNIPPET_BODIES } from './fixtures.js';
import { RUNNERS, runSnippet } from './run-snippet.js';

const clientId = `${randomUUID()}.img.frame.nutanix.com`;
const clientSecret = `s3cret-'"\`$-${randomUUID()}`;
const entityId = randomUUID();
const name = providerName();
let emu: TestEmulator;
let uri: string;
const work = tempDir('sat-snippets-');
const shared = { GOCACHE: join(work.path, 'gocache'), GOPATH: join(work.path, 'gopath'), GOFLAGS: '-mod=mod', GO111MODULE: 'auto' };

before(async () => {
  emu = await startEmulator({
    credentials: [{ clientId, clientSecret, grants: '*' }],
    providers: [{ level: 'account', entityId, name, tokenDurationMinutes: 37 }],
  });
  uri = tokenUri(emu.url, { level: 'account', entityId, providerName: name });
});
after(async () => {
  await emu.close();
  work.cleanup();
});

async function checkClaims(token: string, body: (typeof SNIPPET_BODIES)[number]['body']): Promise<void> {
  const verified = await verifyWithJwks(token, emu.signer.jwks());
  assert.ok(verified.ok, `token does not verify: ${JSON.stringify(verified)}`);
  const c = verified.claims;
  assert.equal((c.exp as number) - (c.iat as number), 37 * 60);
  assert.equal(c.first_name, body.first_name);
  assert.equal(c.last_name, body.last_name);
  if (body.email) assert.equal(c.email, body.email);
  else if (body.email_domain) assert.match(String(c.email), new RegExp(`@${body.email_domain}$`));
  assert.deepEqual(c.metadata, body.metadata ?? {});
}

for (const target of SNIPPET_TARGETS.filter((t) => t.runnable)) {
  describe(`${target.title} snippet`, () => {
    for (const fixture of SNIPPET_BODIES) {
      test(`${fixture.id} body → a JWT whose claims match`, async () => {
        const source = target.render({ uri, clientId, body: fixture.body });
        assert.equal(source.includes(clientSecret), false, 'the secret is never in a snippet');
        assert.match(source, /FRAME_CLIENT_SECRET/);
        const result = await runSnippet(target.id, source, join(work.path, target.id, fixture.id), {
          FRAME_CLIENT_SECRET: clientSecret,
          ...shared,
        });
        assert.equal(result.code, 0, `${target.id} exited ${result.code}\n${result.stderr}\n--- source ---\n${source}`);
        const token = result.stdout.trim();
        assert.match(token, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, `stdout: ${result.stdout}`);
        await checkClaims(token, fixture.body);
      });
    }
    test('reads the client id from FRAME_CLIENT_ID when it is not inlined', async () => {
      const source = target.render({ uri, clientId: null, body: {} });
      assert.equal(source.includes(clientId), false);
      const result = await runSnippet(target.id, source, join(work.path, target.id, 'env'), {
        FRAME_CLIENT_SECRET: clientSecret,
        FRAME_CLIENT_ID: clientId,
        ...shared,
      });
      assert.equal(result.code, 0, result.stderr);
      await checkClaims(result.stdout.trim(), {});
    });
    test('a wrong secret exits non-zero and says what Frame answered', async () => {
      const source = target.render({ uri, clientId, body: {} });
      const result = await runSnippet(target.id, source, join(work.path, target.id, 'wrong'), {
        FRAME_CLIENT_SECRET: 'wrong-secret',
        ...shared,
      });
      assert.notEqual(result.code, 0);
      assert.match(`${result.stdout}${result.stderr}`, /401|invalid_signature/);
    });
  });
}

const GOLDEN_DIR = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, 'golden');
const GOLDEN_REQUEST = (body: (typeof SNIPPET_BODIES)[number]['body']) => ({
  uri: 'https://api.console.nutanix.com/v1/accounts/3f1e2d4c-5b6a-4978-8a1b-2c3d4e5f6a7b/secure-anonymous/secure-anon-64930212-2062-48a4-971b-7998672a9d2e/tokens',
  clientId: '00000000-0000-4000-8000-000000000000.img.frame.nutanix.com',
  body,
});

describe('snippets without a runtime here: golden files', () => {
  for (const target of SNIPPET_TARGETS.filter((t) => !t.runnable)) {
    for (const fixture of SNIPPET_BODIES) {
      test(`${target.title} × ${fixture.id} matches its golden file`, () => {
        const file = join(GOLDEN_DIR, `${target.id}.${fixture.id}${target.extension}`);
        assertGolden(file, target.render(GOLDEN_REQUEST(fixture.body)), 'snippets/snippets');
      });
    }
  }

  test('PowerShell signs timestamp + client id with HMAC-SHA256 keyed by the secret, in lower-case hex', () => {
    const ps = SNIPPET_TARGETS.find((t) => t.id === 'powershell')!.render(GOLDEN_REQUEST({}));
    assert.match(ps, /\$timestamp = \[string\]\[DateTimeOffset\]::UtcNow\.ToUnixTimeSeconds\(\)/);
    assert.match(ps, /\$toSign = "\$timestamp\$clientId"/);
    assert.match(ps, /HMACSHA256/);
    assert.match(ps, /\$hmac\.Key = \[Text\.Encoding\]::UTF8\.GetBytes\(\$clientSecret\)/);
    assert.match(ps, /ComputeHash\(\[Text\.Encoding\]::UTF8\.GetBytes\(\$toSign\)\)/);
    assert.match(ps, /ToString\('x2'\)/);
    for (const h of ['X-Frame-ClientId', 'X-Frame-Timestamp', 'X-Frame-Signature']) assert.ok(ps.includes(`'${h}'`));
  });

  test('C# signs timestamp + client id with HMAC-SHA256 keyed by the secret, in lower-case hex', () => {
    const cs = SNIPPET_TARGETS.find((t) => t.id === 'csharp')!.render(GOLDEN_REQUEST({}));
    assert.match(cs, /DateTimeOffset\.UtcNow\.ToUnixTimeSeconds\(\)\.ToString\(\)/);
    assert.match(cs, /new HMACSHA256\(Encoding\.UTF8\.GetBytes\(clientSecret\)\)/);
    assert.match(cs, /ComputeHash\(Encoding\.UTF8\.GetBytes\(timestamp \+ clientId\)\)/);
    assert.match(cs, /Convert\.ToHexString\(.*\)\.ToLowerInvariant\(\)/);
    for (const h of ['X-Frame-ClientId', 'X-Frame-Timestamp', 'X-Frame-Signature']) assert.ok(cs.includes(`"${h}"`));
  });

  test('string literals in PowerShell and C# survive the tricky bodies (quotes doubled or escaped)', () => {
    const ps = SNIPPET_TARGETS.find((t) => t.id === 'powershell')!.render(GOLDEN_REQUEST(SNIPPET_BODIES[3]!.body));
    const bodyLine = ps.split('\n').find((l) => l.startsWith('$body = '))!;
    const inner = bodyLine.slice("$body = '".length, -1).replace(/''/g, "'").replace(/‘‘/g, '‘').replace(/’’/g, '’');
    assert.deepEqual(JSON.parse(inner), SNIPPET_BODIES[3]!.body);
    const cs = SNIPPET_TARGETS.find((t) => t.id === 'csharp')!.render(GOLDEN_REQUEST(SNIPPET_BODIES[2]!.body));
    const csLine = cs.split('\n').find((l) => l.startsWith('var body = '))!;
    assert.deepEqual(JSON.parse(JSON.parse(csLine.slice('var body = '.length, -1))), SNIPPET_BODIES[2]!.body);
  });
});

test('every runnable language has a runner', () => {
  for (const t of SNIPPET_TARGETS.filter((x) => x.runnable)) assert.ok(RUNNERS[t.id], t.id);
  assert.deepEqual(
    SNIPPET_TARGETS.map((t) => t.title),
    ['Python3', 'Node.js', 'Curl', 'PowerShell', 'PHP', 'Go', 'Java', 'C#', 'Ruby', 'TypeScript'],
  );
});
