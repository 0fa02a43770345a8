// Frame's own snippets, as Frame prints them (test/snippets/frame-originals/, each file says where it comes
// from and every deviation), run by their real interpreters against the emulator after a user's edits:
// the placeholders filled, the provider's URI pointed at the emulator, and the body filled as the
// snippet's comment says. The seed's Python posts `data=body`, so a filled body goes out form-encoded;
// the Playground's Curl sends JSON text labelled as a form. Each must mint a token whose claims match.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyWithJwks } from '../helpers/verify-token.js';
import { startEmulator, type TestEmulator } from '../helpers/emulator.js';
import { tempDir } from '../helpers/tmp.js';
import { providerName } from '../helpers/fixtures.js';
import { runSnippet } from './run-snippet.js';

const ORIGINALS = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, 'frame-originals');
const FRAME_ORIGIN = 'https://api.console.nutanix.com';
const clientId = `${randomUUID()}.img.frame.nutanix.com`;
const clientSecret = randomUUID().replace(/-/g, '') + '01234567';
const accountId = randomUUID();
const accountProvider = providerName();
const organizationId = randomUUID();
const organizationProvider = providerName();
let emu: TestEmulator;
const work = tempDir('sat-frame-originals-');

before(async () => {
  emu = await startEmulator({
    credentials: [{ clientId, clientSecret, grants: '*' }],
    providers: [
      { level: 'account', entityId: accountId, name: accountProvider, tokenDurationMinutes: 60 },
      { level: 'organization', entityId: organizationId, name: organizationProvider, tokenDurationMinutes: 480 },
    ],
  });
});
after(async () => {
  await emu.close();
  work.cleanup();
});

/** A user's edit of the code (comment lines stay): each placeholder must be there exactly once, so the fixture cannot drift unseen. */
function fill(file: string, edits: [string, string][]): string {
  const lines = readFileSync(join(ORIGINALS, file), 'utf8').split('\n');
  const code = lines.map((l, i) => ({ l, i })).filter(({ l }) => !/^\s*#/.test(l));
  for (const [from, to] of edits) {
    const hits = code.filter(({ l }) => l.includes(from));
    assert.equal(hits.length === 1 && hits[0]!.l.split(from).length === 2, true, `${file}: "${from}" should be in the code once`);
    const { i } = hits[0]!;
    lines[i] = lines[i]!.replace(from, () => to);
    hits[0]!.l = lines[i]!;
  }
  return lines.join('\n');
}

async function claimsOf(stdout: string, minutes: number): Promise<Record<string, unknown>> {
  // Python prints r.json() (the token); curl prints the JSON string, quotes included.
  const token = stdout.trim().replace(/^"|"$/g, '');
  const verified = await verifyWithJwks(token, emu.signer.jwks());
  assert.ok(verified.ok, `not a token that verifies: ${stdout}`);
  assert.equal((verified.claims.exp as number) - (verified.claims.iat as number), minutes * 60);
  return verified.claims;
}

describe("the seed's Python3 snippet (requests.post(..., data=body))", () => {
  const bodies: { id: string; body: string; claims: Record<string, unknown> }[] = [
    { id: 'empty, as printed', body: 'body = {}', claims: { metadata: {} } },
    {
      id: 'filled, metadata as a JSON string',
      body: `body = {"first_name": "John", "last_name": "Smith", "email": "john@example.com", "metadata": '{"language": "EN", "seat": 7, "should_accept_tos": false}'}`,
      claims: {
        first_name: 'John',
        last_name: 'Smith',
        email: 'john@example.com',
        metadata: { language: 'EN', seat: 7, should_accept_tos: false },
      },
    },
    {
      id: 'filled, metadata as metadata[key] fields',
      body: 'body = {"first_name": "Zoë", "email_domain": "trials.example.com", "metadata[language]": "EN", "metadata[timezone]": "PT"}',
      claims: { first_name: 'Zoë', metadata: { language: 'EN', timezone: 'PT' } },
    },
  ];
  for (const b of bodies) {
    test(`${b.id} → a token whose claims match`, async () => {
      const source = fill('python3.py', [
        ['"<Your API Client ID goes here>"', JSON.stringify(clientId)],
        ['"<Your API Client Secret goes here>"', JSON.stringify(clientSecret)],
        [FRAME_ORIGIN, emu.url],
        ['<Account ID goes here>', accountId],
        ['<Secure anonymous provider ID goes here>', accountProvider],
        ['body = {}', b.body],
      ]);
      const result = await runSnippet('python3', source, join(work.path, 'python', b.id.replace(/\W+/g, '-')), {});
      assert.equal(result.code, 0, `${result.stderr}\n--- source ---\n${source}`);
      const claims = await claimsOf(result.stdout, 60);
      for (const [k, v] of Object.entries(b.claims)) assert.deepEqual(claims[k], v, k);
      if (b.body.includes('email_domain')) assert.match(String(claims.email), /@trials\.example\.com$/);
    });
  }
});

describe("the Playground's Curl snippet (-d $data, no content type)", () => {
  const datas: { id: string; data: string; claims: Record<string, unknown> }[] = [
    { id: "data='{}', as printed", data: "data='{}'", claims: { metadata: {} } },
    {
      id: 'filled (compact JSON: $data is unquoted)',
      data: `data='{"first_name":"John","email":"john@example.com","metadata":{"language":"EN","nested":{"a":[1,true]}}}'`,
      claims: { first_name: 'John', email: 'john@example.com', metadata: { language: 'EN', nested: { a: [1, true] } } },
    },
  ];
  for (const d of datas) {
    test(`${d.id} → a token whose claims match`, async () => {
      const source = fill('curl.sh', [
        ['"<Your API Client ID goes here>"', `"${clientId}"`],
        ['"<Your API Client Secret goes here>"', `"${clientSecret}"`],
        [FRAME_ORIGIN, emu.url],
        ['your-organization-uuid', organizationId],
        ['<provider name>', organizationProvider],
        ["data='{}'", d.data],
      ]);
      const result = await runSnippet('curl', source, join(work.path, 'curl', d.id.replace(/\W+/g, '-')), {});
      assert.equal(result.code, 0, `${result.stderr}\n--- source ---\n${source}`);
      const claims = await claimsOf(result.stdout, 480);
      for (const [k, v] of Object.entries(d.claims)) assert.deepEqual(claims[k], v, k);
    });
  }
});
