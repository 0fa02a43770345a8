// Pending invitations in a real browser: the owner invites someone from the Users page, sees the invitation
// under "Pending invitations" (who, role, sent by whom, until when; never the link), revokes it with the
// keyboard, and the link stops working. Disabling an admin from the same page removes the invitations
// they sent from the list.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { OWNER, addUser, startTestConsole, type TestConsole } from '../helpers/console.js';
import { launchBrowser, renderedText, signInThroughPage, watchErrors } from '../helpers/browser.js';
import { http, signIn } from '../helpers/http.js';

let app: TestConsole | undefined;
let closeBrowser: (() => Promise<void>) | undefined;
after(async () => {
  await closeBrowser?.();
  await app?.stop();
});

test("the owner sees pending invitations with who sent them, revokes one, and a disabled admin's invitation leaves the list", async () => {
  app = await startTestConsole({ SEED_DEMO: 'false' });
  const admin = await addUser(app, 'admin');
  const adminSession = await signIn(app.url, admin.email, admin.password);
  const fromAdmin = await http<{ token: string }>(
    'POST',
    `${app.url}/api/users/invites`,
    { email: 'sent-by-admin@team.example', role: 'viewer' },
    { cookie: adminSession.cookie, 'x-csrf-token': adminSession.csrfToken },
  );
  assert.equal(fromAdmin.status, 201);

  const { browser, close } = await launchBrowser();
  closeBrowser = close;
  const page = await (await browser.newContext()).newPage();
  const errors = watchErrors(page);
  await page.goto(app.url);
  await signInThroughPage(page, OWNER.email, OWNER.password);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();

  // Invite through the dialog; the link is shown once there.
  await page.getByRole('button', { name: 'Invite user' }).click();
  await page.getByLabel('Email', { exact: true }).fill('ivy@team.example');
  await page.getByLabel('Role', { exact: true }).selectOption('viewer');
  await page.getByRole('button', { name: 'Create invitation' }).click();
  const link = await page.getByRole('textbox', { name: 'Invitation link' }).inputValue();
  const token = link.split('#')[1]!;
  await page.getByRole('button', { name: 'Done' }).click();

  const pending = page.getByRole('region', { name: 'Pending invitations' });
  const row = pending.getByRole('row').filter({ hasText: 'ivy@team.example' });
  await row.getByRole('cell', { name: OWNER.email }).waitFor();
  await pending.getByRole('row').filter({ hasText: 'sent-by-admin@team.example' }).getByRole('cell', { name: admin.email }).waitFor();
  assert.equal((await renderedText(page)).includes(token), false, 'the list never shows the link');

  // Revoke with the keyboard.
  await row.getByRole('button', { name: 'Revoke the invitation of ivy@team.example' }).focus();
  await page.keyboard.press('Enter');
  await page.getByText('Revoked the invitation of ivy@team.example: its link no longer works.').waitFor();
  await row.waitFor({ state: 'detached' });
  assert.equal((await http('POST', `${app.url}/api/invites/lookup`, { token }, { cookie: '' })).status, 410);

  // Disabling the admin voids what they sent.
  await page.getByRole('row').filter({ hasText: admin.email }).getByRole('button', { name: 'Disable' }).click();
  // Disable asks first, and says that pending invitations go with it.
  const confirm = page.getByRole('dialog', { name: `Disable ${admin.email}?` });
  await confirm.getByText(/Invitations they sent and nobody accepted are revoked/).waitFor();
  await confirm.getByRole('button', { name: 'Disable user' }).click();
  await pending.getByRole('row').filter({ hasText: 'sent-by-admin@team.example' }).waitFor({ state: 'detached' });
  await pending.getByText('No pending invitations.').waitFor();
  assert.equal((await http('POST', `${app.url}/api/invites/lookup`, { token: fromAdmin.json.token }, { cookie: '' })).status, 410);
  assert.deepEqual(errors, []);
});
