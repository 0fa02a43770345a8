// Defect 8 of issue 15: a bulk job's token rows are one row in the audit log that opens to them, each row
// opens to its details (no tooltip), the actor filter finds part of an email, action names and times never
// wrap, and the page fits 390 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startTestConsole, type TestConsole } from '../helpers/console.js';
import { addSession, launchBrowser, watchErrors } from '../helpers/browser.js';
import { http, signIn } from '../helpers/http.js';
import { finishedJob } from '../helpers/bulk.js';
import { axeProblems } from '../helpers/axe.js';

const N = 30;
let app: TestConsole;
let browser: Browser;
let closeBrowser: () => Promise<void>;

before(async () => {
  app = await startTestConsole({ LOG_LEVEL: 'warn' });
  ({ browser, close: closeBrowser } = await launchBrowser());
  const [demo] = (await http<{ id: string }[]>('GET', `${app.url}/api/providers`)).json;
  // Samantha mints one token: her row is what "sam" should find.
  const inv = await http<any>('POST', `${app.url}/api/users/invites`, {
    email: 'samantha@example.test',
    role: 'support',
    providerIds: [demo!.id],
  });
  const password = 'pw-samantha-Xq7!vZ93-long';
  assert.equal((await http('POST', `${app.url}/api/invites/accept`, { token: inv.json.token, password }, { cookie: '' })).status, 200);
  const sam = await signIn(app.url, 'samantha@example.test', password);
  const minted = await http(
    'POST',
    `${app.url}/api/providers/${demo!.id}/tokens`,
    { email: 'visitor@example.com' },
    {
      cookie: sam.cookie,
      'x-csrf-token': sam.csrfToken,
    },
  );
  assert.equal(minted.status, 200, minted.text);
  const job = await http<any>('POST', `${app.url}/api/providers/${demo!.id}/bulk`, {
    count: N,
    template: { email: 'kiosk-{n}@example.com', first_name: 'Kiosk {n}' },
  });
  assert.equal(job.status, 202);
  await finishedJob(app.url, job.json.id);
});
after(async () => {
  await closeBrowser?.();
  await app?.stop();
});

async function openAudit(page: Page): Promise<void> {
  await page.goto(`${app.url}/audit`);
  await page.locator('main tbody tr').first().waitFor();
}

test(`a bulk job of ${N} tokens is one row that opens to its rows; a row opens to its details`, async () => {
  const context = await browser.newContext();
  await addSession(context, app);
  const page = await context.newPage();
  const errors = watchErrors(page);
  await openAudit(page);
  const table = page.getByRole('region', { name: 'Audit rows' });
  const group = table.getByRole('row').filter({ hasText: `Bulk mint: ${N} tokens, ${N} ok, 0 failed` });
  await group.waitFor();
  const bulkTokenRows = table.getByRole('row').filter({ hasText: 'token.minted' }).filter({ hasText: 'via: bulk' });
  assert.equal(await bulkTokenRows.count(), 0, 'no token row of the job before it is opened');

  const open = group.getByRole('button', { name: /^Rows of the bulk job/ });
  assert.equal(await open.getAttribute('aria-expanded'), 'false');
  await open.click();
  assert.equal(await open.getAttribute('aria-expanded'), 'true');
  await table.getByText(`${N} of ${N} rows of job`).waitFor();
  assert.equal(await bulkTokenRows.count(), N);

  // A token row's details: its mint parameters, shown in the page, not in a title attribute.
  const tokenRow = bulkTokenRows.first();
  const details = tokenRow.getByRole('button', { name: /^Details of token\.minted/ });
  assert.equal(await details.getAttribute('aria-expanded'), 'false');
  await details.click();
  assert.equal(await details.getAttribute('aria-expanded'), 'true');
  const panel = page.locator(`[id="${await details.getAttribute('aria-controls')}"]`);
  await panel.getByText('params').waitFor();
  assert.match((await panel.textContent()) ?? '', /"email": "kiosk-\d+@example\.com"/);
  assert.match((await panel.textContent()) ?? '', /via\s*bulk/);
  assert.equal(await page.locator('main td[title]').count(), 0, 'no detail is left in a tooltip');
  assert.deepEqual(await axeProblems(page), [], 'light, a group and a row open');
  await page.emulateMedia({ colorScheme: 'dark' });
  assert.deepEqual(await axeProblems(page), [], 'dark, a group and a row open');
  await details.click();
  assert.equal(await panel.count(), 0, 'closed again');

  // Closing the group hides its rows again.
  await open.click();
  assert.equal(await bulkTokenRows.count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test('"sam" finds samantha\'s rows; action names and times do not wrap; 390 px does not scroll sideways', async () => {
  for (const viewport of [
    { width: 1440, height: 900 },
    { width: 390, height: 844 },
  ]) {
    const context = await browser.newContext({ viewport });
    await addSession(context, app);
    const page = await context.newPage();
    const errors = watchErrors(page);
    await openAudit(page);
    await page.getByRole('searchbox', { name: 'Actor' }).fill('sam');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.locator('main tbody tr', { hasText: 'samantha@example.test' }).first().waitFor();
    const actors = await page.locator('main tbody tr:not(.details) td:nth-child(3)').allTextContents();
    assert.ok(actors.length > 0 && actors.every((a) => a.trim() === 'samantha@example.test'), actors.join(', '));

    await page.getByRole('searchbox', { name: 'Actor' }).fill('');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.locator('main tbody tr', { hasText: 'Bulk mint:' }).waitFor();
    // One line each: the text's boxes all sit on one line (a wrapped text has boxes at two heights).
    const wrapped = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('main td.when, main td.action')]
        .filter((td) => {
          const range = document.createRange();
          range.selectNodeContents(td);
          return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size > 1;
        })
        .map((td) => td.textContent),
    );
    assert.deepEqual(wrapped, [], `at ${viewport.width} px`);
    assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= viewport.width, `${viewport.width} px wide`);
    assert.deepEqual(errors, []);
    await context.close();
  }
});
