// Teams in a real browser: the owner sets up the console, invites a support user with one provider
// granted; the support user mints there, is refused elsewhere, and never sees a secret or an edit control.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { startTestConsole, type TestConsole } from '../helpers/console.js';
import { launchBrowser, watchErrors } from '../helpers/browser.js';

let app: TestConsole | undefined;
let closeBrowser: (() => Promise<void>) | undefined;
after(async () => {
  await closeBrowser?.();
  await app?.stop();
});

const nav = (page: Page) => page.getByRole('navigation', { name: 'Main' });

/** The API as the signed-in page would call it: same cookies, its CSRF token. */
async function pageApi(page: Page, method: 'post' | 'get', path: string, data?: unknown) {
  const session = (await (await page.request.get(`${app!.url}/api/session`)).json()) as { csrfToken: string };
  const res = await page.request[method](`${app!.url}${path}`, {
    ...(data ? { data } : {}),
    headers: { 'x-csrf-token': session.csrfToken, origin: app!.url },
  });
  return { status: res.status(), json: (await res.json().catch(() => null)) as any };
}

test('owner set-up → invite a support user → they mint on the granted provider only, and see no secret or edit control', async () => {
  app = await startTestConsole({ SAT_OWNER_EMAIL: '', SAT_OWNER_PASSWORD: '' });
  const { browser, close } = await launchBrowser();
  closeBrowser = close;
  const canary = `CANARY-${randomBytes(12).toString('hex')}`;

  // 1. The first visit asks for the owner; a weak password is refused with a reason.
  const ownerPage = await (await browser.newContext()).newPage();
  const ownerErrors = watchErrors(ownerPage, { allow4xx: true });
  await ownerPage.goto(app.url);
  await ownerPage.getByRole('heading', { name: 'Create the owner account' }).waitFor();
  // The set-up code is only in the console's log: whoever merely reaches the port cannot take the console.
  const code = /set-up code ([0-9a-f-]{19})/.exec(app.logs())?.[1];
  assert.ok(code, 'the log prints the set-up code');
  await ownerPage.getByLabel('Set-up code').fill('0000-0000-0000-0000');
  await ownerPage.getByLabel('Email').fill('owner@team.example');
  await ownerPage.getByLabel('Password', { exact: true }).fill('correct staple battery horse');
  await ownerPage.getByLabel('Password again').fill('correct staple battery horse');
  await ownerPage.getByRole('button', { name: 'Create owner and sign in' }).click();
  await ownerPage
    .getByText(/The set-up code is wrong/)
    .first()
    .waitFor();
  await ownerPage.getByLabel('Set-up code').fill(code);
  await ownerPage.getByLabel('Password', { exact: true }).fill('password1234');
  await ownerPage.getByLabel('Password again').fill('password1234');
  await ownerPage.getByRole('button', { name: 'Create owner and sign in' }).click();
  await ownerPage
    .getByText(/list of common passwords/)
    .first()
    .waitFor();
  await ownerPage.getByLabel('Password', { exact: true }).fill('correct staple battery horse');
  await ownerPage.getByLabel('Password again').fill('correct staple battery horse');
  await ownerPage.getByRole('button', { name: 'Create owner and sign in' }).click();
  await nav(ownerPage).getByRole('link', { name: 'Users' }).waitFor();

  // A second provider, on a credential set whose secret is a canary, that the support user is not granted.
  const [demo] = (await pageApi(ownerPage, 'get', '/api/providers')).json as { id: string; description: string }[];
  const cred = await pageApi(ownerPage, 'post', '/api/credential-sets', {
    name: 'Secret set',
    clientId: `${randomUUID()}.team`,
    clientSecret: canary,
    upstreamUrl: 'builtin:emulator',
  });
  assert.equal(cred.status, 201);
  const other = await pageApi(ownerPage, 'post', '/api/providers', {
    name: `secure-anon-${randomUUID()}`,
    description: 'Not for support',
    tokenDurationMin: 30,
    entityLevel: 'account',
    entityId: randomUUID(),
    credentialSetId: cred.json.id,
  });
  assert.equal(other.status, 201);

  // 2. Invite a support user with the demo provider granted.
  await nav(ownerPage).getByRole('link', { name: 'Users' }).click();
  await ownerPage.getByRole('button', { name: 'Invite user' }).click();
  await ownerPage.getByLabel('Email').fill('sam@team.example');
  await ownerPage.getByLabel('Role').selectOption('support');
  await ownerPage.getByRole('checkbox', { name: new RegExp(demo!.description.replace(/[()]/g, '\\$&')) }).check();
  await ownerPage.getByRole('button', { name: 'Create invitation' }).click();
  const link = await ownerPage.getByRole('textbox', { name: 'Invitation link' }).inputValue();
  assert.match(link, new RegExp(`^${app.url}/invite#[A-Za-z0-9_-]{43}$`));
  await ownerPage.getByRole('button', { name: 'Done' }).click();
  assert.deepEqual(ownerErrors, []);

  // 3. The support user accepts in their own browser.
  const supportContext = await browser.newContext();
  const page = await supportContext.newPage();
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
  await page.goto(link);
  await page.getByText('You are invited as support with the email sam@team.example.').waitFor();
  await page.getByLabel('Choose a password').fill('sams own long passphrase');
  await page.getByRole('button', { name: 'Create my account' }).click();
  await nav(page).waitFor();

  // 4. Only what support may use: the granted provider and their own bulk jobs, no admin screens, no edit controls.
  const links = await nav(page).getByRole('link').allInnerTexts();
  assert.deepEqual(links, ['Providers', 'Bulk jobs', 'API docs']);
  await page.getByRole('cell', { name: demo!.description, exact: true }).waitFor();
  assert.equal(await page.getByRole('cell', { name: 'Not for support' }).count(), 0);
  assert.equal(await page.getByRole('button', { name: 'Add Provider' }).count(), 0);
  await page.getByRole('button', { name: `Actions for ${demo!.description}` }).click();
  assert.deepEqual(await page.getByRole('menuitem').allInnerTexts(), ['Playground']);
  await page.getByRole('menuitem', { name: 'Playground' }).click();

  // 5. Mint on the granted provider.
  await page.getByLabel(/^Email \(email\)/).fill('visitor@example.com');
  await page.getByRole('button', { name: 'Generate token' }).click();
  const token = ((await page.getByTestId('jwt').textContent()) ?? '').trim();
  assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
  assert.equal(await page.getByRole('button', { name: 'Save as preset' }).count(), 0, 'support does not edit presets');

  // 6. Refused on the other provider, in the page and at the API.
  await page.goto(`${app.url}/providers/${other.json.id}/playground`);
  await page.getByRole('alert').filter({ hasText: 'You have not been granted this provider' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Generate token' }).count(), 0);
  const refused = await pageApi(page, 'post', `/api/providers/${other.json.id}/tokens`, {});
  assert.equal(refused.status, 403);
  assert.equal((await pageApi(page, 'get', '/api/credential-sets')).status, 403);
  await page.goto(`${app.url}/credentials`);
  await page.getByRole('alert').filter({ hasText: 'Your role (support) does not allow this page' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Add credential set' }).count(), 0);

  // Nothing the support user's browser received or rendered holds the secret.
  const rendered = await page.evaluate(() => document.documentElement.outerHTML);
  assert.equal(rendered.includes(canary), false);
  assert.equal(
    bodies.some((b) => b.includes(canary)),
    false,
  );
  assert.deepEqual(errors, []);

  // 7. The owner finds the support user's mint and the refusal-free record in the audit log.
  await nav(ownerPage).getByRole('link', { name: 'Audit log' }).click();
  await ownerPage.getByLabel('Actor').fill('sam@team.example');
  await ownerPage.getByLabel('Action').fill('token.minted');
  // The filtered answer, then the table showing it: the unfiltered first page may also start with sam's row.
  const filtered = ownerPage.waitForResponse((r) => r.url().includes('/api/audit?') && r.url().includes('actor=sam'));
  await ownerPage.getByRole('button', { name: 'Filter' }).click();
  await filtered;
  const auditRows = ownerPage.locator('table.audit tbody tr');
  await auditRows.filter({ hasNotText: 'sam@team.example' }).first().waitFor({ state: 'detached' });
  await auditRows.first().filter({ hasText: 'sam@team.example' }).waitFor();
  assert.equal(await auditRows.count(), 1);
  await ownerPage.getByRole('button', { name: 'Verify chain' }).click();
  await ownerPage
    .getByRole('status')
    .filter({ hasText: /Chain intact: \d+ rows checked/ })
    .waitFor();
  assert.deepEqual(ownerErrors, []);
});
