// Risky one-click actions ask first, in Chromium against the production build: revoking an API key,
// changing a user's role and deleting a shared preset each open a dialog that says what will happen, with
// Cancel focused; Cancel leaves the server as it was (read back through the API), the confirm button acts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Locator, Page } from 'playwright-core';
import { addUser, startTestConsole, type TestConsole } from '../helpers/console.js';
import { addSession, launchBrowser, watchErrors } from '../helpers/browser.js';
import { http } from '../helpers/http.js';

let app: TestConsole;
let browser: Browser;
let closeBrowser: () => Promise<void>;
let demoId: string;

before(async () => {
  app = await startTestConsole();
  ({ browser, close: closeBrowser } = await launchBrowser());
  demoId = (await http<{ id: string }[]>('GET', `${app.url}/api/providers`)).json[0]!.id;
});
after(async () => {
  await closeBrowser?.();
  await app?.stop();
});

async function ownerPage(): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext();
  await addSession(context, app);
  const page = await context.newPage();
  return { page, errors: watchErrors(page) };
}

/** The dialog opened by an action; it names what will happen and has Cancel focused. */
async function confirmation(page: Page, title: string, says: RegExp): Promise<Locator> {
  const dialog = page.getByRole('dialog', { name: title });
  await dialog.waitFor();
  assert.match((await dialog.textContent()) ?? '', says);
  const focused = await page.evaluate(() => document.activeElement?.textContent?.trim());
  assert.equal(focused, 'Cancel', `${title}: Cancel is focused, so Enter does not confirm by reflex`);
  return dialog;
}

test('API key Revoke asks first: Cancel keeps the key working, Revoke key revokes it', async () => {
  const created = await http<{ apiKey: { id: string } }>('POST', `${app.url}/api/api-keys`, {
    name: 'kiosk-provisioning',
    providerIds: [demoId],
  });
  assert.equal(created.status, 201, created.text);
  const state = async () =>
    (await http<{ id: string; state: string }[]>('GET', `${app.url}/api/api-keys`)).json.find((k) => k.id === created.json.apiKey.id)
      ?.state;
  const { page, errors } = await ownerPage();
  await page.goto(`${app.url}/api-keys`);
  const row = page.getByRole('row', { name: /kiosk-provisioning/ });

  await row.getByRole('button', { name: 'Revoke' }).click();
  let dialog = await confirmation(page, 'Revoke API key kiosk-provisioning?', /refused from their next request.*cannot be undone/s);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await state(), 'active');

  await row.getByRole('button', { name: 'Revoke' }).click();
  dialog = await confirmation(page, 'Revoke API key kiosk-provisioning?', /kiosk-provisioning/);
  await dialog.getByRole('button', { name: 'Revoke key' }).click();
  await page.getByRole('status').filter({ hasText: 'Revoked kiosk-provisioning' }).waitFor();
  assert.equal(await state(), 'revoked');
  assert.deepEqual(errors, []);
});

test('a role change asks first, even to owner: Cancel keeps the role (and the select shows it), Change role changes it', async () => {
  const user = await addUser(app, 'viewer');
  const role = async () =>
    (await http<{ id: string; role: string }[]>('GET', `${app.url}/api/users`)).json.find((u) => u.id === user.id)?.role;
  const { page, errors } = await ownerPage();
  await page.goto(`${app.url}/users`);
  const select = page.getByLabel(`Role of ${user.email}`);

  await select.selectOption('owner');
  let dialog = await confirmation(page, `Make ${user.email} an owner?`, /everything/);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await role(), 'viewer');
  assert.equal(await select.inputValue(), 'viewer', 'the select shows the role the user still has');

  await select.selectOption('owner');
  dialog = await confirmation(page, `Make ${user.email} an owner?`, /viewer/);
  await dialog.getByRole('button', { name: 'Change role' }).click();
  await page
    .getByRole('status')
    .filter({ hasText: `${user.email} is now owner.` })
    .waitFor();
  assert.equal(await role(), 'owner');
  assert.deepEqual(errors, []);
});

test('Disable asks first: Cancel keeps the account working, Disable user ends its sessions; Enable needs no dialog', async () => {
  const user = await addUser(app, 'support');
  const disabled = async () =>
    (await http<{ id: string; disabled: boolean }[]>('GET', `${app.url}/api/users`)).json.find((u) => u.id === user.id)?.disabled;
  const { page, errors } = await ownerPage();
  await page.goto(`${app.url}/users`);
  const row = page.getByRole('row', { name: new RegExp(user.email.replace(/[.]/g, '\\.')) });

  await row.getByRole('button', { name: 'Disable' }).click();
  let dialog = await confirmation(page, `Disable ${user.email}?`, /signed out at once.*cannot sign in.*Enable/s);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await disabled(), false);

  await row.getByRole('button', { name: 'Disable' }).click();
  dialog = await confirmation(page, `Disable ${user.email}?`, /signed out/);
  await dialog.getByRole('button', { name: 'Disable user' }).click();
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await disabled(), true);

  // Giving access back is not risky: one click.
  await row.getByRole('button', { name: 'Enable' }).click();
  await page
    .getByRole('status')
    .filter({ hasText: `Enabled ${user.email}.` })
    .waitFor();
  assert.equal(await disabled(), false);
  assert.deepEqual(errors, []);
});

test('preset Delete asks first: Cancel keeps the shared preset, Delete preset deletes it', async () => {
  const saved = await http<{ id: string }>('POST', `${app.url}/api/providers/${demoId}/presets`, {
    name: 'Lobby kiosk',
    params: { first_name: 'Kiosk' },
  });
  assert.equal(saved.status, 201, saved.text);
  const names = async () => (await http<{ name: string }[]>('GET', `${app.url}/api/providers/${demoId}/presets`)).json.map((p) => p.name);
  const { page, errors } = await ownerPage();
  await page.goto(`${app.url}/providers/${demoId}/playground`);
  await page.getByLabel('Preset', { exact: true }).selectOption({ label: 'Lobby kiosk' });

  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  let dialog = await confirmation(page, 'Delete preset Lobby kiosk?', /whole team/);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'detached' });
  assert.deepEqual(await names(), ['Lobby kiosk']);

  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  dialog = await confirmation(page, 'Delete preset Lobby kiosk?', /Lobby kiosk/);
  await dialog.getByRole('button', { name: 'Delete preset' }).click();
  await page.getByRole('status').filter({ hasText: 'Deleted preset Lobby kiosk.' }).waitFor();
  assert.deepEqual(await names(), []);
  assert.deepEqual(errors, []);
});
