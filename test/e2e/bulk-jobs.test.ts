// Defect 2 of issue 15: a bulk job's results outlive the page. Run a job in the Playground, reload, and the
// job is listed below the Bulk form and on the Bulk jobs page with its CSV to download again; at 390 px
// neither page scrolls sideways, and axe finds nothing serious in light or dark.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { startTestConsole, type TestConsole } from '../helpers/console.js';
import { addSession, launchBrowser, openBulkTab, watchErrors } from '../helpers/browser.js';
import { http } from '../helpers/http.js';
import { axeProblems } from '../helpers/axe.js';

let app: TestConsole;
let browser: Browser;
let closeBrowser: () => Promise<void>;

before(async () => {
  app = await startTestConsole({ LOG_LEVEL: 'warn' });
  ({ browser, close: closeBrowser } = await launchBrowser());
});
after(async () => {
  await closeBrowser?.();
  await app?.stop();
});

test('a bulk job run in the Playground is still listed after a reload, with its CSV', async () => {
  const [demo] = (await http<{ id: string }[]>('GET', `${app.url}/api/providers`)).json;
  const context = await browser.newContext({ acceptDownloads: true });
  await addSession(context, app);
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(`${app.url}/providers/${demo!.id}/playground`);
  const bulk = await openBulkTab(page);
  const past = page.getByRole('region', { name: 'Past bulk jobs' });
  await past.getByText('No bulk jobs yet').waitFor();

  await bulk.getByLabel('Number of tokens (1–10,000)').fill('7');
  await bulk.getByRole('button', { name: 'Start bulk mint' }).click();
  await bulk.getByRole('status').filter({ hasText: 'done: 7 / 7 (7 ok, 0 failed)' }).waitFor();
  // The list follows the job without a reload...
  await past.getByRole('row').filter({ hasText: '7 ok' }).getByText('done').waitFor();

  // ...and keeps it after one: the progress is gone, the job is not.
  await page.reload();
  await openBulkTab(page);
  await past.getByRole('row').filter({ hasText: '7 ok' }).waitFor();
  assert.equal(await bulk.getByRole('progressbar').count(), 0, 'the reload dropped the progress view');
  const row = past.getByRole('row').filter({ hasText: '7 ok' });
  await row.getByText(/^until /).waitFor();
  const [csv] = await Promise.all([page.waitForEvent('download'), row.getByRole('link', { name: /^Download CSV/ }).click()]);
  const lines = readFileSync((await csv.path())!, 'utf8')
    .trim()
    .split('\r\n');
  assert.equal(lines.length, 8, 'a header and the 7 tokens');
  assert.match(lines[1]!, /^1,true,eyJ/);

  // The Bulk jobs page lists it too, with the provider and the same download.
  await page.goto(`${app.url}/bulk-jobs`);
  assert.equal(await page.title(), 'Bulk jobs · sat-playground');
  const listed = page.getByRole('row').filter({ hasText: '7 ok' });
  await listed.waitFor();
  await listed.getByText('owner@example.test').waitFor();
  const [json] = await Promise.all([page.waitForEvent('download'), listed.getByRole('link', { name: /^Download JSON/ }).click()]);
  assert.equal((JSON.parse(readFileSync((await json.path())!, 'utf8')) as unknown[]).length, 7);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the Bulk jobs page and the Past bulk jobs list fit 390 px and pass axe, light and dark', async () => {
  const [demo] = (await http<{ id: string }[]>('GET', `${app.url}/api/providers`)).json;
  for (const colorScheme of ['light', 'dark'] as const) {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, colorScheme });
    await addSession(context, app);
    const page = await context.newPage();
    const errors = watchErrors(page);
    for (const path of ['/bulk-jobs', `/providers/${demo!.id}/playground`]) {
      await page.goto(`${app.url}${path}`);
      if (path !== '/bulk-jobs') await openBulkTab(page);
      await page
        .getByRole('link', { name: /^Download CSV/ })
        .first()
        .waitFor();
      assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 390, `${colorScheme} ${path} fits 390 px`);
      if (path === '/bulk-jobs') assert.deepEqual(await axeProblems(page), [], `${colorScheme} ${path}`);
    }
    assert.deepEqual(errors, []);
    await context.close();
  }
});
