// Defects 3 and 4 in a real browser. The owner issues a password-reset link from a user's row menu on the Users
// page (shown once, with a copy button); the link, opened in a fresh browser, sets a new password, after which
// the user signs in with it; no URL the browser requests carries the token. The owner re-issues a pending
// invitation: the dialog says the old link stops working, the new link is shown once, the old one is refused
// and the new one makes the account.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { OWNER, addUser, startTestConsole, type TestConsole } from '../helpers/console.js';
import { launchBrowser, signInThroughPage, watchErrors } from '../helpers/browser.js';
import { http, signIn } from '../helpers/http.js';

let app: TestConsole | undefined;
let closeBrowser: (() => Promise<void>) | undefined;
let browser: Browser | undefined;
after(async () => {
  await closeBrowser?.();
  await app?.stop();
});

test('the owner issues a reset link from the Users row menu; opened in a fresh browser it sets the password; the user signs in with it', async () => {
  app = await startTestConsole({ LOG_LEVEL: 'trace', SEED_DEMO: 'false' });
  const user = await addUser(app, 'support');
  const userSession = await signIn(app.url, user.email, user.password);
  const launched = await launchBrowser();
  closeBrowser = launched.close;
  browser = launched.browser;

  const page = await (await browser.newContext()).newPage();
  const errors = watchErrors(page);
  await page.goto(`${app.url}/users`);
  await signInThroughPage(page, OWNER.email, OWNER.password);
  await page.getByRole('button', { name: `Actions for ${user.email}` }).click();
  await page.getByRole('menuitem', { name: 'Password-reset link…' }).click();
  const confirm = page.getByRole('dialog', { name: `Reset the password of ${user.email}?` });
  await confirm.getByText(/An earlier unused reset link for them stops working/).waitFor();
  await confirm.getByRole('button', { name: 'Create reset link' }).click();
  const shown = page.getByRole('dialog', { name: 'Password-reset link' });
  const link = await shown.getByRole('textbox', { name: 'Password-reset link' }).inputValue();
  await shown.getByRole('button', { name: 'Copy link' }).waitFor();
  assert.match(link, new RegExp(`^${app.url}/reset-password#[A-Za-z0-9_-]{43}$`));
  const token = link.split('#')[1]!;
  await shown.getByRole('button', { name: 'Done' }).click();
  await shown.waitFor({ state: 'detached' });

  const fresh = await (await browser.newContext()).newPage();
  const freshErrors = watchErrors(fresh, { allow4xx: true });
  const requested: string[] = [];
  fresh.on('request', (r) => requested.push(r.url()));
  await fresh.goto(link);
  await fresh.getByText(`For the account ${user.email}.`, { exact: false }).waitFor();
  assert.equal(new URL(fresh.url()).hash, '', 'the token leaves the address bar at once');
  await fresh.getByLabel('New password', { exact: true }).fill('a brand new passphrase');
  await fresh.getByLabel('New password again').fill('a brand new passphrase, typo');
  await fresh.getByRole('button', { name: 'Set new password' }).click();
  await fresh.getByText('The two passwords differ.').waitFor();
  await fresh.getByLabel('New password again').fill('a brand new passphrase');
  await fresh.getByRole('button', { name: 'Set new password' }).click();
  await fresh.getByText(/Your password is changed/).waitFor();
  await fresh.getByRole('link', { name: 'Go to sign-in' }).click();
  await signInThroughPage(fresh, user.email, 'a brand new passphrase');

  assert.equal(
    (await http<{ signedIn: boolean }>('GET', `${app.url}/api/session`, undefined, { cookie: userSession.cookie })).json.signedIn,
    false,
  );
  assert.deepEqual(
    requested.filter((u) => u.includes(token)),
    [],
    'no requested URL carries the token',
  );
  assert.equal(app.logs().includes(token), false, 'the trace-level log holds no reset token');
  assert.deepEqual([...errors, ...freshErrors], []);
});

test('the owner re-issues a pending invitation: the old link is refused, the new one shown once makes the account', async () => {
  assert.ok(app && browser, 'runs after the first test');
  const old = await http<{ token: string }>('POST', `${app.url}/api/users/invites`, { email: 'rhea@team.example', role: 'viewer' });
  assert.equal(old.status, 201);
  const page = await (await browser.newContext()).newPage();
  const errors = watchErrors(page);
  await page.goto(`${app.url}/users`);
  await signInThroughPage(page, OWNER.email, OWNER.password);
  await page.getByRole('button', { name: 'Re-issue the invitation of rhea@team.example' }).click();
  const confirm = page.getByRole('dialog', { name: 'Re-issue the invitation of rhea@team.example?' });
  await confirm.getByText(/stops working at once/).waitFor();
  await confirm.getByRole('button', { name: 'Re-issue link' }).click();
  const shown = page.getByRole('dialog', { name: 'New invitation link' });
  const link = await shown.getByRole('textbox', { name: 'Invitation link' }).inputValue();
  const token = link.split('#')[1]!;
  assert.notEqual(token, old.json.token);
  await shown.getByRole('button', { name: 'Done' }).click();
  await shown.waitFor({ state: 'detached' });

  const lookup = (t: string) => http('POST', `${app!.url}/api/invites/lookup`, { token: t }, { cookie: '' });
  assert.equal((await lookup(old.json.token)).status, 410, 'the old link is refused');
  const invitee = await (await browser.newContext()).newPage();
  await invitee.goto(link);
  await invitee.getByText('You are invited as viewer with the email rhea@team.example.').waitFor();
  await invitee.getByLabel('Choose a password').fill('rheas own long passphrase');
  await invitee.getByRole('button', { name: 'Create my account' }).click();
  await invitee.getByRole('navigation', { name: 'Main' }).waitFor();
  assert.deepEqual(errors, []);
});
