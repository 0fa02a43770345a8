// Re-issuing a pending invitation (defect 4): one action voids the old link and makes a new one for the same
// email, role and providers, shown once; audited without the token. The old link is refused afterwards, the
// new one works; admins re-issue only the roles they may give; a used or revoked invitation cannot be re-issued.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { addUser, startTestConsole, type TestConsole } from '../helpers/console.js';
import { http, signIn } from '../helpers/http.js';

let app: TestConsole;
let demoId: string;

before(async () => {
  app = await startTestConsole({});
  demoId = (await http<{ id: string }[]>('GET', `${app.url}/api/providers`)).json[0]!.id;
});
after(() => app?.stop());

const email = (tag: string) => `${tag}-${randomUUID().slice(0, 8)}@example.test`;
const lookup = (token: string) =>
  http<{ error: string; email: string; role: string }>('POST', `${app.url}/api/invites/lookup`, { token }, { cookie: '' });

async function invite(to: string, role: string, providerIds: string[] = []): Promise<{ id: string; token: string }> {
  const res = await http<{ id: string; token: string }>('POST', `${app.url}/api/users/invites`, { email: to, role, providerIds });
  assert.equal(res.status, 201, res.text);
  return res.json;
}

test('re-issuing an invitation voids the old link and returns a new one for the same email, role and providers', async () => {
  const to = email('again');
  const first = await invite(to, 'support', [demoId]);
  const res = await http<{ id: string; token: string; email: string; role: string; expiresAt: string }>(
    'POST',
    `${app.url}/api/users/invites/${first.id}/reissue`,
    {},
  );
  assert.equal(res.status, 201, res.text);
  assert.notEqual(res.json.token, first.token);
  assert.notEqual(res.json.id, first.id);
  assert.deepEqual([res.json.email, res.json.role], [to, 'support']);

  assert.deepEqual([(await lookup(first.token)).status, (await lookup(first.token)).json.error], [410, 'invite/invalid']);
  const info = await lookup(res.json.token);
  assert.deepEqual([info.status, info.json.email, info.json.role], [200, to, 'support']);

  const list = (await http<{ id: string; email: string; providerIds: string[] }[]>('GET', `${app.url}/api/users/invites`)).json;
  const mine = list.filter((i) => i.email === to);
  assert.deepEqual(
    mine.map((i) => [i.id, i.providerIds]),
    [[res.json.id, [demoId]]],
    'one pending invitation, the new one, with the same providers',
  );

  const audit = (
    await http<{ target: string; detail: Record<string, unknown> }[]>('GET', `${app.url}/api/audit?action=user.invite_reissued`)
  ).json;
  const row = audit.find((r) => r.target === res.json.id);
  assert.ok(row, 'the re-issue is audited');
  assert.deepEqual([row.detail.email, row.detail.replaces], [to, first.id]);
  const auditText = JSON.stringify(audit);
  assert.equal(auditText.includes(res.json.token) || auditText.includes(first.token), false, 'the audit holds no token');

  const accepted = await http<{ user: { email: string; role: string } }>(
    'POST',
    `${app.url}/api/invites/accept`,
    { token: res.json.token, password: `pw-${randomUUID()}` },
    { cookie: '' },
  );
  assert.equal(accepted.status, 200, accepted.text);
  const users = (await http<{ email: string; providerIds: string[] }[]>('GET', `${app.url}/api/users`)).json;
  assert.deepEqual(users.find((u) => u.email === to)?.providerIds, [demoId]);
});

test('a used or revoked invitation cannot be re-issued (409), an unknown one is 404', async () => {
  const revoked = await invite(email('revoked'), 'viewer');
  assert.equal((await http('POST', `${app.url}/api/users/invites/${revoked.id}/revoke`, {})).status, 200);
  const again = await http<{ error: string }>('POST', `${app.url}/api/users/invites/${revoked.id}/reissue`, {});
  assert.deepEqual([again.status, again.json.error], [409, 'invite/not_pending']);
  const unknown = await http<{ error: string }>('POST', `${app.url}/api/users/invites/${randomUUID()}/reissue`, {});
  assert.deepEqual([unknown.status, unknown.json.error], [404, 'invite/not_found']);
});

test('an admin re-issues support and viewer invitations but not an admin one; support users cannot re-issue', async () => {
  const admin = await addUser(app, 'admin');
  const adminSession = await signIn(app.url, admin.email, admin.password);
  const as = { cookie: adminSession.cookie, 'x-csrf-token': adminSession.csrfToken };
  const forAdmin = await invite(email('peer'), 'admin');
  const forViewer = await invite(email('viewer'), 'viewer');
  const refused = await http<{ error: string }>('POST', `${app.url}/api/users/invites/${forAdmin.id}/reissue`, {}, as);
  assert.deepEqual([refused.status, refused.json.error], [403, 'auth/forbidden']);
  assert.equal((await lookup(forAdmin.token)).status, 200, 'a refused re-issue leaves the old link working');
  assert.equal((await http('POST', `${app.url}/api/users/invites/${forViewer.id}/reissue`, {}, as)).status, 201);

  const support = await addUser(app, 'support');
  const supportSession = await signIn(app.url, support.email, support.password);
  const other = await invite(email('other'), 'viewer');
  const bySupport = await http<{ error: string }>(
    'POST',
    `${app.url}/api/users/invites/${other.id}/reissue`,
    {},
    {
      cookie: supportSession.cookie,
      'x-csrf-token': supportSession.csrfToken,
    },
  );
  assert.equal(bySupport.status, 403);
});
