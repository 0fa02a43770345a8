// The admin flow in Chromium: add a credential set → add a provider by pasting a Frame token URL → edit it
// → export → import into a fresh database (giving the secret) → mint → delete. The canary secret typed in
// must never appear in the rendered SPA.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { OWNER, startTestConsole, type TestConsole } from '../helpers/console.js';
import { launchBrowser, renderedText, signInThroughPage, watchErrors } from '../helpers/browser.js';

const consoles: TestConsole[] = [];
let closeBrowser: (() => Promise<void>) | undefined;
after(async () => {
  await closeBrowser?.();
  for (const c of consoles) await c.stop();
});

const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });

test('credential set → provider from a pasted URL → edit → export → import elsewhere → mint → delete', async () => {
  const source = await startTestConsole({ SEED_DEMO: 'false' });
  consoles.push(source);
  const { browser, close } = await launchBrowser();
  closeBrowser = close;
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  const errors = watchErrors(page, { allow4xx: true });
  const canary = `CANARY-${randomBytes(12).toString('hex')}`;

  // A browser without a session gets the sign-in page; then the empty state says what to do next.
  await page.goto(source.url);
  await signInThroughPage(page, OWNER.email, OWNER.password);
  await page.getByText('No providers yet, and no credential set to mint with.').waitFor();

  // 1. Add a credential set on the built-in emulator.
  await nav(page, 'Credentials').click();
  await page.getByRole('button', { name: 'Add credential set' }).click();
  const credDialog = page.getByRole('dialog', { name: 'Add credential set' });
  await credDialog.getByLabel('Name').fill('Kiosk API');
  await credDialog.getByLabel('Client ID').fill(`${randomUUID()}.img.frame.nutanix.com`);
  await credDialog.getByLabel('Client secret').fill('short');
  await credDialog.getByRole('button', { name: 'Add' }).click();
  await credDialog.getByText('must NOT have fewer than 8 characters').waitFor();
  assert.equal(await credDialog.getByLabel('Name').inputValue(), 'Kiosk API', 'what the user typed is kept');
  await credDialog.getByLabel('Client secret').fill(canary);
  await credDialog.getByLabel('Client secret').press('Enter');
  await page.getByRole('status').filter({ hasText: 'Added credential set Kiosk API.' }).waitFor();
  await page.getByRole('cell', { name: 'Kiosk API', exact: true }).waitFor();
  assert.equal((await renderedText(page)).includes(canary), false, 'the SPA never renders the secret');

  // 2. Add a provider by pasting the token URL as Frame's Playground shows it.
  const entityId = randomUUID();
  const providerName = `secure-anon-${randomUUID()}`;
  await nav(page, 'Providers').click();
  await page.getByRole('button', { name: 'Add Provider' }).click();
  const addDialog = page.getByRole('dialog', { name: 'Add Anonymous Access Provider' });
  await addDialog
    .getByLabel(/Token URL/)
    .fill(`${source.url}/emulator/v1/organisations/${entityId}/secure-anonymous/${providerName}/tokens`);
  await addDialog.getByText(/credential set "Kiosk API" uses/).waitFor();
  assert.equal(await addDialog.getByLabel('Name', { exact: true }).inputValue(), providerName);
  assert.equal(await addDialog.getByLabel('Entity ID').inputValue(), entityId);
  assert.equal(await addDialog.getByLabel('Entity level').inputValue(), 'organization');
  await addDialog.getByLabel('Description').fill('Lobby kiosks');
  await addDialog.getByText('12/200').waitFor();
  await addDialog.getByLabel('Token Duration (min)').fill('120');
  await addDialog.getByLabel('Tags').fill('kiosk, lobby');
  assert.match(
    (await addDialog.getByTestId('uri-preview').textContent()) ?? '',
    new RegExp(`/emulator/v1/organizations/${entityId}/secure-anonymous/${providerName}/tokens$`),
  );
  await addDialog.getByRole('button', { name: 'Add' }).click();
  await page.getByRole('cell', { name: 'Lobby kiosks', exact: true }).waitFor();
  await page.getByRole('cell', { name: '2 hours' }).waitFor();

  // Esc closes a dialog; the keyboard alone opens the row menu.
  await page.getByRole('button', { name: 'Add Provider' }).click();
  await page.getByRole('dialog').waitFor();
  await page.keyboard.press('Escape');
  await page.getByRole('dialog').waitFor({ state: 'detached' });

  // 3. Edit it.
  await page.getByRole('button', { name: 'Actions for Lobby kiosks' }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('menuitem', { name: 'Edit' }).waitFor();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  const editDialog = page.getByRole('dialog', { name: 'Edit Anonymous Access Provider' });
  await editDialog.getByLabel('Description').fill('Lobby kiosks (hall)');
  await editDialog.getByLabel('Token Duration (min)').fill('90');
  await editDialog.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('cell', { name: 'Lobby kiosks (hall)', exact: true }).waitFor();
  await page.getByRole('cell', { name: '1 hour 30 min' }).waitFor();

  // 4. Export.
  await nav(page, 'Import / export').click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export JSON' }).click()]);
  const exportPath = await download.path();
  const exported = readFileSync(exportPath!, 'utf8');
  assert.equal(exported.includes(canary), false, 'the export holds no secret');
  assert.ok(exported.includes(providerName));

  // 5. Import into a fresh database, giving the secret.
  const target = await startTestConsole({ SEED_DEMO: 'false' });
  consoles.push(target);
  await page.goto(`${target.url}/transfer`);
  await signInThroughPage(page, OWNER.email, OWNER.password);
  await page.getByLabel('Export file').setInputFiles(exportPath!);
  await page.getByTestId('import-summary').filter({ hasText: '2 rejected' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Import', exact: true }).isDisabled(), true, 'not before the secret is given');
  await page.getByLabel('Client secret for Kiosk API').fill(canary);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.getByTestId('import-summary').filter({ hasText: 'applied' }).waitFor();
  await page.getByRole('status').filter({ hasText: 'Imported: 2 added, 0 updated.' }).waitFor();
  assert.equal((await renderedText(page)).includes(canary), false);

  // 6. Mint from the imported provider.
  await nav(page, 'Providers').click();
  await page.getByRole('button', { name: 'Actions for Lobby kiosks (hall)' }).click();
  await page.getByRole('menuitem', { name: 'Playground' }).click();
  await page.getByLabel(/^Email \(email\)/).fill('kiosk-1@example.com');
  await page.getByRole('button', { name: 'Generate token' }).click();
  const token = ((await page.getByTestId('jwt').textContent()) ?? '').trim();
  const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { iat: number; exp: number; provider: string };
  assert.equal(claims.exp - claims.iat, 90 * 60);
  assert.equal(claims.provider, providerName);

  // 7. Delete it.
  await page.getByRole('link', { name: /Anonymous Access Providers/ }).click();
  await page.getByRole('button', { name: 'Actions for Lobby kiosks (hall)' }).click();
  await page.getByRole('menuitem', { name: 'Delete' }).click();
  await page
    .getByRole('dialog', { name: /Delete Lobby kiosks/ })
    .getByRole('button', { name: 'Delete' })
    .click();
  await page.getByRole('status').filter({ hasText: 'Deleted provider' }).waitFor();
  await page.getByText('No providers yet.').waitFor();
  assert.equal((await renderedText(page)).includes(canary), false);
  assert.deepEqual(errors, []);
});
