// The Bulk panel shows the day's quota and running jobs, says why a start is refused, and shows a job
// stopped because its owner lost the grant (issue 13, F6). Real browser, production build.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { addUser, startTestConsole, type TestConsole } from '../helpers/console.js';
import { addSession, launchBrowser, openBulkTab, watchErrors } from '../helpers/browser.js';
import { http, signIn } from '../helpers/http.js';
import type { Browser } from 'playwright-core';

let app: TestConsole;
let browser: Browser;
let closeBrowser: () => Promise<void>;

before(async () => {
  app = await startTestConsole({ LOG_LEVEL: 'warn', TOKEN_QUOTA_PER_DAY_SUPPORT: '1000' });
  ({ browser, close: closeBrowser } = await launchBrowser());
});
after(async () => {
  await closeBrowser?.();
  await app?.stop();
});

test('a support user sees the quota, a refusal that says why, and a job revoked with the grant', async () => {
  const [demo] = (await http<{ id: string }[]>('GET', `${app.url}/api/providers`)).json;
  const user = await addUser(app, 'support', [demo!.id]);
  const session = await signIn(app.url, user.email, user.password);
  const context = await browser.newContext();
  await addSession(context, { url: app.url, owner: session });
  const page = await context.newPage();
  const errors = watchErrors(page, { allow4xx: true });
  await page.goto(`${app.url}/providers/${demo!.id}/playground`);
  const bulk = await openBulkTab(page);
  await bulk.getByText('Today 0 of 1,000 tokens · 0 of 2 jobs running').waitFor();

  await bulk.getByLabel('Number of tokens (1–10,000)').fill('1001');
  await bulk.getByRole('button', { name: 'Start bulk mint' }).click();
  await bulk
    .getByRole('alert')
    .filter({ hasText: 'This needs 1,001 tokens, more than the 1,000 a support user may mint in a day' })
    .waitFor();

  await bulk.getByLabel('Number of tokens (1–10,000)').fill('5');
  await bulk.getByRole('button', { name: 'Start bulk mint' }).click();
  await bulk.getByRole('status').filter({ hasText: 'done: 5 / 5 (5 ok, 0 failed)' }).waitFor();
  await bulk.getByText('Today 5 of 1,000 tokens · 0 of 2 jobs running').waitFor();
  assert.equal(await bulk.getByRole('alert').count(), 0, 'the refusal is gone once a start succeeds');

  app.emulator!.faults.set({ latencyMs: 50 });
  try {
    await bulk.getByLabel('Number of tokens (1–10,000)').fill('995');
    await bulk.getByLabel('Concurrency (1–32)').fill('1');
    await bulk.getByRole('button', { name: 'Start bulk mint' }).click();
    await bulk
      .getByRole('status')
      .filter({ hasText: /running: [1-9]\d* \/ 995/ })
      .waitFor();
    await bulk.getByText(/^Today \d+ of 1,000 tokens \(\d+ held by running jobs\) · 1 of 2 jobs running$/).waitFor();
    assert.equal((await http('PUT', `${app.url}/api/users/${user.id}/grants`, { providerIds: [] })).status, 200);
    await bulk
      .getByRole('status')
      .filter({ hasText: /^revoked: \d+ \/ 995/ })
      .waitFor();
    await bulk.getByText(`Stopped: ${user.email} no longer has a grant on this provider.`).waitFor();
    assert.equal(
      await bulk.getByRole('link', { name: 'Download CSV' }).count(),
      0,
      'no download link for tokens the user may no longer have',
    );
  } finally {
    app.emulator!.faults.clear();
  }
  assert.deepEqual(errors, []);
});
