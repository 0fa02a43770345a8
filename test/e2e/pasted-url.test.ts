// Issue 15, defect 7: pasting a production Frame token URL when no credential set mints on that upstream used to
// leave the first set (the built-in emulator's) selected, so Add quietly created the provider on the emulator,
// and adding the real one later failed as a duplicate. Now the dialog chooses no set, says which upstream is
// missing, refuses a set on another upstream while the URL is there, and the duplicate error names where the
// existing provider is.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startWithDemo, type TestConsole } from '../helpers/console.js';
import { addSession, launchBrowser, watchErrors } from '../helpers/browser.js';
import { http } from '../helpers/http.js';
import type { Browser } from 'playwright-core';

let app: TestConsole;
let browser: Browser;
let closeBrowser: () => Promise<void>;

before(async () => {
  ({ app } = await startWithDemo());
  ({ browser, close: closeBrowser } = await launchBrowser());
});
after(async () => {
  await closeBrowser?.();
  await app?.stop();
});

const PRODUCTION = 'https://api.console.nutanix.com';

async function providerNames(): Promise<string[]> {
  return (await http<{ name: string }[]>('GET', `${app.url}/api/providers`)).json.map((p) => p.name);
}

test('a pasted URL on an upstream no credential set uses never lands on another upstream unnoticed', async () => {
  const context = await browser.newContext();
  await addSession(context, app);
  const page = await context.newPage();
  const errors = watchErrors(page, { allow4xx: true });
  const name = `secure-anon-${randomUUID()}`;

  await page.goto(`${app.url}/providers`);
  await page.getByRole('button', { name: 'Add Provider' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add Anonymous Access Provider' });
  await dialog.getByLabel(/Token URL/).fill(`${PRODUCTION}/v1/accounts/${randomUUID()}/secure-anonymous/${name}/tokens`);
  await dialog.getByText(`No credential set mints on ${PRODUCTION} yet`).waitFor();
  assert.equal(await dialog.getByLabel('Credential set').inputValue(), '', 'no set is chosen for the user');

  await dialog.getByRole('button', { name: 'Add', exact: true }).click();
  await dialog.getByText('Choose a credential set.', { exact: true }).waitFor();
  assert.equal(await dialog.getByLabel('Credential set').getAttribute('aria-invalid'), 'true');

  // Choosing the emulator's set while the production URL is pasted is refused, with the way out.
  const emulatorSet = (await dialog.getByLabel('Credential set').locator('option').nth(1).getAttribute('value'))!;
  await dialog.getByLabel('Credential set').selectOption(emulatorSet);
  await dialog.getByRole('button', { name: 'Add', exact: true }).click();
  await dialog.getByText(`The pasted URL is on ${PRODUCTION}`).waitFor();
  assert.deepEqual(
    (await providerNames()).filter((n) => n === name),
    [],
    'nothing was created',
  );

  // Clearing the URL is the deliberate choice to put the provider on that set anyway.
  await dialog.getByLabel(/Token URL/).fill('');
  await dialog.getByRole('button', { name: 'Add', exact: true }).click();
  await dialog.waitFor({ state: 'detached' });
  assert.ok((await providerNames()).includes(name));

  // Adding it a second time names the set the existing one is on, so the admin knows what to edit.
  const set = (await http<{ id: string; name: string }[]>('GET', `${app.url}/api/credential-sets`)).json.find((c) => c.id === emulatorSet)!;
  const again = await http<{ message: string }>('POST', `${app.url}/api/providers`, {
    name,
    description: '',
    tokenDurationMin: 60,
    credentialSetId: emulatorSet,
    entityLevel: 'account',
    entityId: randomUUID(),
    tags: [],
  });
  assert.equal(again.status, 409);
  assert.match(again.json.message, new RegExp(`on credential set "${set.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`));
  assert.deepEqual(errors, []);
  await context.close();
});
