// The credential and provider dialogs in Chromium against the production build: a field error appears at
// its field and is not repeated below, a pasted token URL is checked before anything is sent, a replaced
// secret is verified through the built-in emulator and never shown again, and deleting a credential set
// takes its provider along.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { startWithDemo, type TestConsole } from '../helpers/console.js';
import { addSession, launchBrowser, renderedText, watchErrors } from '../helpers/browser.js';
import { http } from '../helpers/http.js';
import type { Browser, Locator, Page } from 'playwright-core';

let app: TestConsole;
let browser: Browser;
let closeBrowser: () => Promise<void>;
let credentialName: string;

before(async () => {
  ({ app } = await startWithDemo());
  credentialName = (await http<{ name: string }[]>('GET', `${app.url}/api/credential-sets`)).json[0]!.name;
  ({ browser, close: closeBrowser } = await launchBrowser());
});
after(async () => {
  await closeBrowser?.();
  await app?.stop();
});

async function openCredentialAction(page: Page, action: string, dialogName: RegExp, name = credentialName): Promise<Locator> {
  await page.goto(`${app.url}/credentials`);
  await page.getByRole('button', { name: `Actions for ${name}` }).click();
  await page.getByRole('menuitem', { name: action }).click();
  const dialog = page.getByRole('dialog', { name: dialogName });
  await dialog.waitFor();
  return dialog;
}

test('credential and provider dialogs: errors at their fields, a replaced secret verifies, delete takes the provider along', async () => {
  const context = await browser.newContext();
  await addSession(context, app);
  const page = await context.newPage();
  const errors = watchErrors(page, { allow4xx: true });
  const bodies: string[] = [];
  page.on(
    'response',
    (r) =>
      void r
        .text()
        .then((t) => bodies.push(t))
        .catch(() => undefined),
  );
  const canary = `CANARY-${randomBytes(12).toString('hex')}`;

  // Replace secret: a refused value is explained at the field, then a good one is taken.
  let dialog = await openCredentialAction(page, 'Replace secret', /^Replace secret of/);
  await dialog.getByLabel('New client secret').fill('short');
  await dialog.getByRole('button', { name: 'Replace secret' }).click();
  await dialog.getByText('must NOT have fewer than 8 characters').waitFor();
  assert.equal(await dialog.getByLabel('New client secret').getAttribute('aria-invalid'), 'true');
  await dialog.getByLabel('New client secret').fill(canary);
  await dialog.getByRole('button', { name: 'Replace secret' }).click();
  await page
    .getByRole('status')
    .filter({ hasText: `Replaced the secret of ${credentialName}.` })
    .waitFor();
  assert.equal((await renderedText(page)).includes(canary), false, 'the replaced secret is not shown again');

  // Verify mints through the built-in emulator, which took the new secret too.
  dialog = await openCredentialAction(page, 'Verify', /^Verify /);
  await dialog.getByRole('button', { name: 'Verify' }).click();
  await dialog.getByTestId('verify-result').filter({ hasText: 'Signature accepted' }).waitFor();

  // Edit with a custom plain-http URL: the refusal sits at the URL's own input, with no second alert.
  dialog = await openCredentialAction(page, 'Edit', /^Edit credential set$/);
  await dialog.getByLabel('Upstream', { exact: true }).selectOption('custom');
  await dialog.getByLabel('Custom upstream URL').fill('http://frame.example.com');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.getByText('the upstream must use https').waitFor();
  assert.equal(await dialog.getByLabel('Custom upstream URL').getAttribute('aria-invalid'), 'true');
  assert.equal(await dialog.getByRole('alert').count(), 0, 'a field error is not told twice');
  // A new upstream needs the secret again (it is bound to its client id and upstream): the dialog asks for it.
  await dialog.getByLabel('Custom upstream URL').fill('https://frame.example.com');
  await dialog.getByText(/enter it again to change either/).waitFor();
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.getByText('enter the client secret again to change the client id or upstream').waitFor();
  assert.equal(await dialog.getByLabel('Client secret').getAttribute('aria-invalid'), 'true');
  await dialog.getByRole('button', { name: 'Cancel' }).click();

  // A pasted token URL is checked in the page; the problem goes once the field is cleared.
  await page.goto(`${app.url}/providers`);
  await page.getByRole('button', { name: 'Add Provider' }).click();
  dialog = page.getByRole('dialog', { name: 'Add Anonymous Access Provider' });
  await dialog.getByLabel(/Token URL/).fill('https://example.com/not-a-token-url');
  await dialog.getByText('This is not a token URL').waitFor();
  await dialog.getByLabel(/Token URL/).fill('');
  await dialog.getByText('This is not a token URL').waitFor({ state: 'detached' });
  await dialog.getByRole('button', { name: 'Cancel' }).click();

  // Delete the credential set and, with it, the provider that uses it.
  dialog = await openCredentialAction(page, 'Delete', new RegExp(`^Delete ${credentialName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  await dialog.getByLabel('Delete them too').check();
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await page
    .getByRole('status')
    .filter({ hasText: `Deleted credential set ${credentialName}; 1 provider(s) deleted.` })
    .waitFor();
  assert.deepEqual((await http('GET', `${app.url}/api/providers`)).json, []);
  assert.equal(
    bodies.some((b) => b.includes(canary)),
    false,
    'no answer the browser received holds the secret',
  );
  assert.deepEqual(errors, []);
});

test('Verify offers only the providers of the credential set it verifies, and after a result offers Done and Verify again', async () => {
  // Two credential sets with a provider each (the first test deleted the demo set): Verify of one must not
  // offer the other's provider.
  const addSet = async (name: string, description: string) => {
    const set = await http<{ id: string }>('POST', `${app.url}/api/credential-sets`, {
      name,
      clientId: `${name.replace(/\W/g, '-').toLowerCase()}-client`,
      clientSecret: randomBytes(16).toString('hex'),
      upstreamUrl: 'builtin:emulator',
    });
    assert.equal(set.status, 201, set.text);
    const provider = await http<{ id: string }>('POST', `${app.url}/api/providers`, {
      description,
      tokenDurationMin: 60,
      entityLevel: 'account',
      entityId: randomUUID(),
      credentialSetId: set.json.id,
    });
    assert.equal(provider.status, 201, provider.text);
  };
  await addSet('Verified set', 'Belongs to the verified set');
  await addSet('Other set', 'Belongs to the other set');
  const context = await browser.newContext();
  await addSession(context, app);
  const page = await context.newPage();
  const errors = watchErrors(page);

  const dialog = await openCredentialAction(page, 'Verify', /^Verify /, 'Verified set');
  const offered = await dialog.getByLabel('Provider to mint against').locator('option').allTextContents();
  assert.deepEqual(offered, ['Belongs to the verified set'], "only this set's providers are offered");
  await dialog.getByRole('button', { name: 'Verify' }).click();
  const verdict = dialog.getByTestId('verify-result');
  await verdict.filter({ hasText: 'Signature accepted' }).waitFor();
  assert.equal(await verdict.locator('.badge.tone-ok').count(), 1, 'the verdict is a coloured badge with its word');
  assert.equal(await dialog.getByRole('button', { name: 'Cancel' }).count(), 0, 'after a result there is nothing to cancel');
  await dialog.getByRole('button', { name: 'Verify again' }).click();
  await verdict.filter({ hasText: 'Signature accepted' }).waitFor();
  await dialog.getByRole('button', { name: 'Done' }).click();
  await dialog.waitFor({ state: 'detached' });
  assert.deepEqual(errors, []);
  await context.close();
});
