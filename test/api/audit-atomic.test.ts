// F7 of issue 13: when an audit row cannot be completed, a database-only action must not happen at all (its
// change and the row's completion commit in one transaction), and an action that already called the upstream
// must say so truthfully and keep its result back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { addUser, startTestConsole, type TestConsole } from '../helpers/console.js';
import { auditFault, rawSql } from '../helpers/databases.js';
import { http } from '../helpers/http.js';
import { providerName } from '../helpers/fixtures.js';

let app: TestConsole;
let credId: string;
let providerId: string;
let presetId: string;
let keyId: string;
let userId: string;

before(async () => {
  app = await startTestConsole();
  const cred = await http<{ id: string }>('POST', `${app.url}/api/credential-sets`, {
    name: 'Atomic',
    clientId: `${randomUUID()}.img.frame.nutanix.com`,
    clientSecret: randomBytes(20).toString('hex'),
    upstreamUrl: 'builtin:emulator',
  });
  credId = cred.json.id;
  providerId = (
    await http<{ id: string }>('POST', `${app.url}/api/providers`, {
      name: providerName(),
      tokenDurationMin: 30,
      entityLevel: 'account',
      entityId: randomUUID(),
      credentialSetId: credId,
    })
  ).json.id;
  presetId = (
    await http<{ id: string }>('POST', `${app.url}/api/providers/${providerId}/presets`, { name: 'Kiosk', params: { first_name: 'K' } })
  ).json.id;
  keyId = (await http<{ apiKey: { id: string } }>('POST', `${app.url}/api/api-keys`, { name: 'atomic', providerIds: [providerId] })).json
    .apiKey.id;
  userId = (await addUser(app, 'support', [providerId])).id;
});
after(() => app?.stop());

/** Everything but the audit log and sessions (touched by every request), as the database holds it. */
async function snapshot(): Promise<string> {
  const tables = [
    'CredentialSet',
    'Provider',
    'Preset',
    'User',
    'Invite',
    'ProviderGrant',
    'ApiKey',
    'ApiKeyProvider',
    'Setting',
    'MintRecord',
  ];
  const rows = [];
  for (const t of tables) rows.push(await rawSql(app.database, `SELECT * FROM "${t}" ORDER BY 1`));
  return JSON.stringify(rows);
}

test('with audit completion failing, every database-only action answers 503 and changes nothing', async () => {
  const file = (await http('GET', `${app.url}/api/export`)).json;
  const actions: [string, string, unknown?][] = [
    [
      'POST',
      '/api/credential-sets',
      { name: 'Not created', clientId: 'x.img.frame.nutanix.com', clientSecret: 'secret-secret', upstreamUrl: 'builtin:emulator' },
    ],
    ['PATCH', `/api/credential-sets/${credId}`, { notes: 'not saved' }],
    ['PUT', `/api/credential-sets/${credId}/secret`, { clientSecret: 'not-the-new-secret' }],
    ['DELETE', `/api/credential-sets/${credId}?providers=delete`],
    [
      'POST',
      '/api/providers',
      { name: providerName(), tokenDurationMin: 30, entityLevel: 'account', entityId: randomUUID(), credentialSetId: credId },
    ],
    ['PATCH', `/api/providers/${providerId}`, { description: 'not saved' }],
    ['DELETE', `/api/providers/${providerId}`],
    ['POST', `/api/providers/${providerId}/presets`, { name: 'Other', params: {} }],
    ['DELETE', `/api/presets/${presetId}`],
    ['POST', '/api/api-keys', { name: 'not created', providerIds: [providerId] }],
    ['POST', `/api/api-keys/${keyId}/revoke`, {}],
    ['POST', '/api/users/invites', { email: `nobody-${randomUUID().slice(0, 6)}@example.test`, role: 'viewer' }],
    ['PATCH', `/api/users/${userId}`, { disabled: true }],
    ['PUT', `/api/users/${userId}/grants`, { providerIds: [] }],
    ['PUT', '/api/audit/settings', { retentionDays: 30 }],
    ['POST', '/api/import', { file, secrets: {} }],
  ];
  const before = await snapshot();
  const restore = await auditFault(app, 'update');
  const problems: string[] = [];
  try {
    for (const [method, path, body] of actions) {
      const res = await http<{ error: string; message: string }>(method, `${app.url}${path}`, body);
      if (res.status !== 503 || res.json.error !== 'audit/unavailable' || !/nothing was done/.test(res.json.message))
        problems.push(`${method} ${path}: ${res.status} ${res.text.slice(0, 160)}`);
      if ((await snapshot()) !== before) problems.push(`${method} ${path} changed the database`);
    }
  } finally {
    await restore();
  }
  assert.deepEqual(problems, []);
  // The provider still mints, with the change it never got.
  const provider = await http<{ description: string }>('GET', `${app.url}/api/providers/${providerId}`);
  assert.equal(provider.json.description, '');
  assert.equal((await http('POST', `${app.url}/api/providers/${providerId}/tokens`, {})).status, 200);
  const verify = await http<{ ok: boolean }>('GET', `${app.url}/api/audit/verify`);
  assert.equal(verify.json.ok, true, 'the chain is whole');
});

test('with audit completion failing, an action that called the upstream says so and keeps the token back', async () => {
  const restore = await auditFault(app, 'update');
  let minted: Awaited<ReturnType<typeof http<{ error: string; message: string; token?: string }>>>;
  let verified: typeof minted;
  try {
    minted = await http('POST', `${app.url}/api/providers/${providerId}/tokens`, { email: 'a@example.com' });
    verified = await http('POST', `${app.url}/api/credential-sets/${credId}/verify`, { providerId });
  } finally {
    await restore();
  }
  assert.equal(minted.status, 503, minted.text);
  assert.equal(minted.json.error, 'audit/unavailable');
  assert.match(
    minted.json.message,
    /The upstream minted a token \(jti [0-9a-f-]{36}\), but its audit row could not be completed .* the result is withheld/,
  );
  assert.equal(/eyJ[A-Za-z0-9_-]+\.eyJ/.test(minted.text), false, 'no token in the answer');
  assert.equal(verified.status, 503, verified.text);
  assert.match(
    verified.json.message,
    /was verified with one signed call to the upstream \(ok, provider secure-anon-[0-9a-f-]+\), but its audit row could not be completed/,
  );
});
