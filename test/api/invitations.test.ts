// Invitations do not outlive the one who sent them: a rogue admin's invitation dies when they are disabled
// or demoted (in the same transaction as that change), acceptance checks the inviter again, a new
// invitation for an email replaces the older one, and owners and admins see pending invitations and revoke
// them (audited). The attack this reproduces: /work/attack-scripts/invite-persist.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { OWNER, addUser, startTestConsole, type TestConsole } from '../helpers/console.js';
import { auditFault, rawSql } from '../helpers/databases.js';
import { http, signIn, type SessionCredentials } from '../helpers/http.js';

let app: TestConsole;
let offsetMs = 0;
let demoId: string;

before(async () => {
  app = await startTestConsole({}, { now: () => Date.now() + offsetMs });
  demoId = (await http<{ id: string }[]>('GET', `${app.url}/api/providers`)).json[0]!.id;
});
after(() => app?.stop());

interface PendingInvite {
  id: string;
  email: string;
  role: string;
  providerIds: string[];
  invitedBy: string;
  createdAt: string;
  expiresAt: string;
  revocable: boolean;
  revokedAt: string | null;
}

const as = (s: SessionCredentials) => ({ cookie: s.cookie, 'x-csrf-token': s.csrfToken });
const email = (tag: string) => `${tag}-${randomUUID().slice(0, 8)}@example.test`;

/** A signed-in user of this role, and their session. */
async function member(role: string): Promise<{ id: string; email: string; session: SessionCredentials }> {
  const user = await addUser(app, role);
  return { id: user.id, email: user.email, session: await signIn(app.url, user.email, user.password) };
}

async function invite(
  by: SessionCredentials | null,
  to: string,
  role: string,
  providerIds: string[] = [],
): Promise<{ id: string; token: string }> {
  const res = await http<{ id: string; token: string }>(
    'POST',
    `${app.url}/api/users/invites`,
    { email: to, role, providerIds },
    by ? as(by) : {},
  );
  assert.equal(res.status, 201, res.text);
  return res.json;
}

const lookup = (token: string) => http<{ error: string }>('POST', `${app.url}/api/invites/lookup`, { token }, { cookie: '' });
const accept = (token: string) =>
  http<{ error: string; user?: { role: string } }>(
    'POST',
    `${app.url}/api/invites/accept`,
    { token, password: `pw-${randomUUID()}` },
    { cookie: '' },
  );
const pending = async (by?: SessionCredentials) => {
  const res = await http<PendingInvite[]>('GET', `${app.url}/api/users/invites`, undefined, by ? { cookie: by.cookie } : {});
  assert.equal(res.status, 200, res.text);
  return res;
};

test("a disabled admin's invitation no longer makes an account: the backdoor link answers 410", async () => {
  const rogue = await member('admin');
  const backdoor = await invite(rogue.session, email('backdoor'), 'support', [demoId]);
  const disabled = await http<{ disabled: boolean }>('PATCH', `${app.url}/api/users/${rogue.id}`, { disabled: true });
  assert.equal(disabled.status, 200, disabled.text);
  assert.deepEqual([(await lookup(backdoor.token)).status, (await lookup(backdoor.token)).json.error], [410, 'invite/invalid']);
  const res = await accept(backdoor.token);
  assert.deepEqual([res.status, res.json.error], [410, 'invite/invalid'], `the backdoor account was created: ${res.text}`);
  const row = (await http<{ detail: { invitesRevoked?: number } }[]>('GET', `${app.url}/api/audit?action=user.updated`)).json[0]!;
  assert.equal(row.detail.invitesRevoked, 1, 'the disable row says how many invitations it voided');
});

test('an admin demoted to viewer: their pending invitations are void, and so are the ones they could no longer give', async () => {
  const admin = await member('admin');
  const first = await invite(admin.session, email('demoted-a'), 'viewer');
  const second = await invite(admin.session, email('demoted-b'), 'support');
  assert.equal((await http('PATCH', `${app.url}/api/users/${admin.id}`, { role: 'viewer' })).status, 200);
  assert.equal((await accept(first.token)).status, 410);
  assert.equal((await accept(second.token)).status, 410);
});

test('acceptance checks the inviter again: gone, disabled or no longer allowed to give the role (changed behind the service)', async () => {
  // The database is changed directly, as a restore or a bug might: the check at acceptance still holds.
  const cases: [string, (id: string) => string][] = [
    ['deleted', (id) => `DELETE FROM "User" WHERE "id" = '${id}'`],
    ['disabled', (id) => `UPDATE "User" SET "disabledAt" = '2026-01-01T00:00:00.000+00:00' WHERE "id" = '${id}'`],
    ['now a support user', (id) => `UPDATE "User" SET "role" = 'support' WHERE "id" = '${id}'`],
  ];
  for (const [what, sql] of cases) {
    const admin = await member('admin');
    const inv = await invite(admin.session, email('recheck'), 'viewer');
    await rawSql(app.database, sql(admin.id));
    const res = await accept(inv.token);
    assert.deepEqual([res.status, res.json.error], [410, 'invite/invalid'], `inviter ${what}: ${res.text}`);
  }
  // An owner's invitation still works: the check refuses only what the inviter may no longer give.
  const ok = await accept((await invite(null, email('fine'), 'admin')).token);
  assert.equal(ok.status, 200, ok.text);
});

test('a new invitation for an email replaces the older one: the first link is void', async () => {
  const to = email('twice');
  const first = await invite(null, to, 'viewer');
  const second = await invite(null, to, 'viewer');
  assert.equal((await lookup(first.token)).status, 410, 'the first link is void');
  assert.equal((await lookup(second.token)).status, 200);
  assert.deepEqual(
    (await pending()).json.filter((i) => i.email === to).map((i) => i.id),
    [second.id],
    'one pending invitation per email',
  );
});

test('owners list pending invitations (never the token or its hash) and revoke one, audited', async () => {
  const admin = await member('admin');
  const to = email('listed');
  const inv = await invite(admin.session, to, 'support', [demoId]);
  const used = await invite(null, email('used'), 'viewer');
  assert.equal((await accept(used.token)).status, 200);
  const expiring = await invite(null, email('expiring'), 'viewer');

  const list = await pending();
  const entry = list.json.find((i) => i.id === inv.id);
  assert.ok(entry, 'the invitation is listed');
  assert.deepEqual(
    { ...entry, createdAt: '', expiresAt: '' },
    {
      id: inv.id,
      email: to,
      role: 'support',
      providerIds: [demoId],
      invitedBy: admin.email,
      createdAt: '',
      expiresAt: '',
      revocable: true,
      revokedAt: null,
    },
  );
  assert.ok(Date.parse(entry.expiresAt) > Date.now() + offsetMs + 71 * 3_600_000);
  assert.equal(
    list.json.some((i) => i.id === used.id),
    false,
    'used invitations are not pending',
  );
  for (const t of [inv.token, used.token, expiring.token]) {
    assert.equal(list.text.includes(t), false, 'no token');
    assert.equal(list.text.includes(createHash('sha256').update(t).digest('hex')), false, 'no token hash');
  }
  // 73 hours later (read through the service: the owner's session would have gone idle).
  offsetMs += 73 * 3_600_000;
  const later = await app.services.users.invites.pending('owner');
  offsetMs -= 73 * 3_600_000;
  assert.equal(
    later.some((i) => i.id === expiring.id),
    false,
    'expired invitations are not pending',
  );

  const revoked = await http<{ id: string; revokedAt: string }>('POST', `${app.url}/api/users/invites/${inv.id}/revoke`, {});
  assert.equal(revoked.status, 200, revoked.text);
  assert.equal(revoked.json.id, inv.id);
  assert.equal((await lookup(inv.token)).status, 410, 'the link is void');
  assert.equal((await accept(inv.token)).status, 410);
  assert.equal(
    (await pending()).json.some((i) => i.id === inv.id),
    false,
  );
  const again = await http<{ error: string }>('POST', `${app.url}/api/users/invites/${inv.id}/revoke`, {});
  assert.deepEqual([again.status, again.json.error], [409, 'invite/not_pending']);
  assert.equal((await http('POST', `${app.url}/api/users/invites/${randomUUID()}/revoke`, {})).status, 404);
  const rows = (
    await http<{ actor: string; target: string; outcome: string; detail: { email: string; role: string } }[]>(
      'GET',
      `${app.url}/api/audit?action=user.invite_revoked`,
    )
  ).json;
  assert.deepEqual(
    rows.filter((r) => r.target === inv.id).map((r) => [r.actor, r.outcome, r.detail.email, r.detail.role]),
    [
      [OWNER.email, 'invite/not_pending', to, 'support'],
      [OWNER.email, 'ok', to, 'support'],
    ],
  );
});

test('an admin lists every pending invitation but revokes only those for roles they may give; support and viewers see none', async () => {
  const admin = await member('admin');
  const forAdmin = await invite(null, email('owner-made'), 'admin');
  const forViewer = await invite(null, email('owner-made-viewer'), 'viewer');
  const seen = (await pending(admin.session)).json;
  assert.deepEqual(
    seen
      .filter((i) => i.id === forAdmin.id || i.id === forViewer.id)
      .map((i) => [i.role, i.revocable])
      .sort(),
    [
      ['admin', false],
      ['viewer', true],
    ],
  );
  const refused = await http<{ error: string }>('POST', `${app.url}/api/users/invites/${forAdmin.id}/revoke`, {}, as(admin.session));
  assert.deepEqual([refused.status, refused.json.error], [403, 'auth/forbidden']);
  assert.equal((await lookup(forAdmin.token)).status, 200, 'still valid');
  // Nor may an admin void it by inviting the same email as something they may give.
  const replace = await http<{ error: string }>(
    'POST',
    `${app.url}/api/users/invites`,
    { email: seen.find((i) => i.id === forAdmin.id)!.email, role: 'viewer' },
    as(admin.session),
  );
  assert.deepEqual([replace.status, replace.json.error], [403, 'auth/forbidden']);
  assert.equal((await lookup(forAdmin.token)).status, 200, 'still valid');
  assert.equal((await http('POST', `${app.url}/api/users/invites/${forViewer.id}/revoke`, {}, as(admin.session))).status, 200);

  for (const role of ['support', 'viewer']) {
    const someone = await member(role);
    assert.equal((await http('GET', `${app.url}/api/users/invites`, undefined, { cookie: someone.session.cookie })).status, 403, role);
  }
});

test('disabling an inviter and voiding their invitations commit together: with the audit row failing, neither happens', async () => {
  const admin = await member('admin');
  const inv = await invite(admin.session, email('atomic'), 'viewer');
  const restore = await auditFault(app, 'update');
  try {
    const res = await http<{ error: string }>('PATCH', `${app.url}/api/users/${admin.id}`, { disabled: true });
    assert.deepEqual([res.status, res.json.error], [503, 'audit/unavailable']);
  } finally {
    await restore();
  }
  const users = (await http<{ id: string; disabled: boolean }[]>('GET', `${app.url}/api/users`)).json;
  assert.equal(users.find((u) => u.id === admin.id)!.disabled, false);
  assert.equal((await lookup(inv.token)).status, 200, 'the invitation is still pending: the disable did not happen');
});
