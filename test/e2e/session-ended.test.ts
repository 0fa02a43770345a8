// Defect 6 in a real browser: a session that ends while the user works (here ended server-side, as a password
// reset, a disable or an idle timeout would) no longer throws the page away. The next API call brings up a
// "Your session ended" dialog over the page; signing in again as the same user closes it on the same page with
// the form still filled in, and the failed action can be retried. Nothing of the form is written to storage.
// Another user signing in from that dialog starts afresh on the start page and never sees the first user's
// page. Reloaded while signed out, the sign-in page says the session ended and signs in to the same path; no
// URL a stranger crafts sends the browser to another origin after sign-in.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { OWNER, addUser, startTestConsole, type TestConsole } from '../helpers/console.js';
import { launchBrowser, signInThroughPage, watchErrors } from '../helpers/browser.js';
import { sessionIdOf } from '../../server/services/sessions.js';

let app: TestConsole;
let browser: Browser;
let closeBrowser: (() => Promise<void>) | undefined;
before(async () => {
  app = await startTestConsole({ SEED_DEMO: 'false' });
  const launched = await launchBrowser();
  browser = launched.browser;
  closeBrowser = launched.close;
});
after(async () => {
  await closeBrowser?.();
  await app?.stop();
});

/** Ends the browser's session on the server, as a password reset, a disable or an idle timeout does. */
async function endSession(page: Page): Promise<void> {
  const cookie = (await page.context().cookies()).find((c) => c.name.includes('session'));
  assert.ok(cookie, 'the browser holds a session cookie');
  await app.services.sessions.revoke(sessionIdOf(cookie.value));
}

async function ownerOnUsersPage(): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${app.url}/users`);
  await signInThroughPage(page, OWNER.email, OWNER.password);
  await page.getByRole('heading', { name: 'Users' }).waitFor();
  return page;
}

test('the session ends while a form is filled in: a dialog signs the same user back in, the page and its input are kept, the action retried', async () => {
  const page = await ownerOnUsersPage();
  const errors = watchErrors(page, { allow4xx: true });
  await page.getByRole('button', { name: 'Invite user' }).click();
  const invite = page.getByRole('dialog', { name: 'Invite someone' });
  await invite.getByLabel('Email', { exact: true }).fill('kept@team.example');
  await invite.getByLabel('Role', { exact: true }).selectOption('viewer');

  await endSession(page);
  await invite.getByRole('button', { name: 'Create invitation' }).click();
  const ended = page.getByRole('dialog', { name: 'Your session ended' });
  await ended.getByText(/your unsaved input are kept/).waitFor();
  assert.equal(await ended.getByLabel('Email').inputValue(), OWNER.email, 'the email is filled in');
  await ended.getByLabel('Password').fill('not the password');
  await ended.getByRole('button', { name: 'Sign in' }).click();
  await ended.getByText('The email or password is wrong.').waitFor();
  await ended.getByLabel('Password').fill(OWNER.password);
  await ended.getByRole('button', { name: 'Sign in' }).click();
  await ended.waitFor({ state: 'detached' });

  assert.equal(new URL(page.url()).pathname, '/users', 'still on the same page');
  assert.equal(await invite.getByLabel('Email', { exact: true }).inputValue(), 'kept@team.example', 'the input is kept');
  assert.equal(await invite.getByLabel('Role', { exact: true }).inputValue(), 'viewer');
  const storage = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
  assert.equal(storage.includes('kept@team.example'), false, 'nothing of the form was written to storage');

  await invite.getByRole('button', { name: 'Create invitation' }).click();
  await page.getByRole('textbox', { name: 'Invitation link' }).waitFor();
  assert.deepEqual(
    errors.filter((e) => !/status of 401/.test(e)),
    [],
  );
});

test('Sign out in the session-ended dialog leaves for the sign-in page', async () => {
  const page = await ownerOnUsersPage();
  await endSession(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
  const ended = page.getByRole('dialog', { name: 'Your session ended' });
  await ended.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await ended.waitFor({ state: 'detached' });
  await signInThroughPage(page, OWNER.email, OWNER.password);
  await page.getByRole('heading', { name: 'Audit log' }).first().waitFor();
});

test("another user signing in from the dialog starts afresh on the start page and never sees the first user's page", async () => {
  const viewer = await addUser(app, 'viewer');
  const secret = await addUser(app, 'support');
  const page = await ownerOnUsersPage();
  await page.getByRole('cell', { name: secret.email }).first().waitFor();
  await endSession(page);
  // Any API call now finds the session gone: here the Audit log page loading.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
  const ended = page.getByRole('dialog', { name: 'Your session ended' });
  await ended.getByLabel('Email').fill(viewer.email);
  await ended.getByLabel('Password').fill(viewer.password);
  await ended.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${app.url}/providers`);
  await page.getByRole('heading', { name: 'Providers' }).first().waitFor();
  const text = await page.evaluate(() => document.documentElement.outerHTML);
  assert.equal(text.includes(secret.email), false, "the owner's users list is gone");
  assert.ok(text.includes(viewer.email), 'signed in as the viewer');
  assert.equal(text.includes(OWNER.email), false);
});

test('reloaded after the session ended, the sign-in page says so and signs in to the same page', async () => {
  const page = await ownerOnUsersPage();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
  await page.waitForURL(`${app.url}/audit`);
  await endSession(page);
  await page.reload();
  await page.getByText(/Your session ended/).waitFor();
  await signInThroughPage(page, OWNER.email, OWNER.password);
  assert.equal(new URL(page.url()).pathname, '/audit');
  await page.getByRole('heading', { name: 'Audit log' }).first().waitFor();

  // Signing out on purpose is not an ended session: the sign-in page says nothing of the kind.
  await page.getByRole('button', { name: `Account ${OWNER.email}` }).click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await page.reload();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  assert.equal(await page.getByText(/Your session ended/).count(), 0);
});

test('no crafted URL sends the browser to another origin after sign-in (no open redirect)', async () => {
  const origin = new URL(app.url).origin;
  for (const target of ['//evil.example/', '/?next=https://evil.example/', '/?redirect=//evil.example', '/\\evil.example/x']) {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${app.url}${target}`);
    await signInThroughPage(page, OWNER.email, OWNER.password);
    assert.equal(new URL(page.url()).origin, origin, `${target} left the console`);
    await page.context().close();
  }
});
