// The Playground as a workbench (issue 15): the request on the left and the result on the right on a wide screen,
// one column on a phone; History and Bulk mint as keyboard tabs; a copy icon inside the code box; the JWT coloured
// by part as jwt.io does. And defect 11: with the built-in emulator off, the Playground and the providers list say
// so before anyone mints, and the code is still shown (it does not need the emulator).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Locator, Page } from 'playwright-core';
import { startTestConsole, type TestConsole } from '../helpers/console.js';
import { addSession, launchBrowser, watchErrors } from '../helpers/browser.js';
import { http } from '../helpers/http.js';
import { axeProblems } from '../helpers/axe.js';

let app: TestConsole;
let browser: Browser;
let closeBrowser: () => Promise<void>;

before(async () => {
  app = await startTestConsole();
  ({ browser, close: closeBrowser } = await launchBrowser());
});
after(async () => {
  await closeBrowser?.();
  await app?.stop();
});

async function openPlayground(
  on: TestConsole,
  opts: { width?: number; height?: number; clipboard?: boolean; colorScheme?: 'light' | 'dark' } = {},
): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({
    viewport: { width: opts.width ?? 1440, height: opts.height ?? 900 },
    colorScheme: opts.colorScheme ?? 'light',
  });
  await addSession(context, on);
  if (opts.clipboard) await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const page = await context.newPage();
  const errors = watchErrors(page, { allow4xx: true });
  const [demo] = (await http<{ id: string }[]>('GET', `${on.url}/api/providers`)).json;
  await page.goto(`${on.url}/providers/${demo!.id}/playground`);
  await page.getByRole('heading', { name: 'Playground', exact: true }).waitFor();
  return { page, errors };
}

async function box(locator: Locator): Promise<{ x: number; y: number; width: number; height: number }> {
  const b = await locator.boundingBox();
  assert.ok(b, 'the element is laid out');
  return b;
}

async function mint(page: Page): Promise<void> {
  await page.getByLabel(/First name/).fill('Ann');
  await page.getByLabel(/^Email \(email\)/).fill('ann@example.com');
  await page.getByRole('button', { name: 'Generate token' }).click();
  await page.getByTestId('jwt').waitFor();
}

test('at 1440×900 the result is to the right of the request; at 390 px they stack with no sideways scroll', async () => {
  const { page, errors } = await openPlayground(app);
  const request = page.getByRole('region', { name: 'Request' });
  const result = page.getByRole('region', { name: 'Result' });
  await result.getByText('No token yet').waitFor();
  await mint(page);
  let r = await box(request);
  let o = await box(result);
  assert.ok(o.x >= r.x + r.width, `result at x=${o.x} starts right of the request (ends at ${r.x + r.width})`);
  assert.ok(Math.abs(o.y - r.y) < 40, 'side by side, tops in line');
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true);

  await page.setViewportSize({ width: 390, height: 844 });
  r = await box(request);
  o = await box(result);
  assert.ok(o.y >= r.y + r.height, 'on a phone the result comes below the request');
  assert.ok(Math.abs(o.x - r.x) < 2, 'in one column');
  const code = await box(page.getByRole('region', { name: 'Code', exact: true }));
  assert.ok(code.x >= 0 && code.x + code.width <= 390, 'the code box fits the phone');
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 390);
  assert.deepEqual(errors, []);
});

test('History and Bulk mint are tabs a keyboard moves between with the arrow keys', async () => {
  const { page, errors } = await openPlayground(app);
  const tabs = page.getByRole('tablist', { name: 'Playground panels' });
  const history = tabs.getByRole('tab', { name: 'History' });
  const bulk = tabs.getByRole('tab', { name: 'Bulk mint' });
  assert.equal(await history.getAttribute('aria-selected'), 'true', 'History is the first tab');
  await page.getByRole('region', { name: 'History', exact: true }).waitFor();
  assert.equal(await page.getByRole('region', { name: 'Bulk mint' }).isVisible(), false);

  await history.focus();
  await page.keyboard.press('ArrowRight');
  assert.equal(await bulk.getAttribute('aria-selected'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim()), 'Bulk mint');
  await page.getByRole('region', { name: 'Bulk mint' }).getByLabel('Number of tokens (1–10,000)').waitFor();
  assert.equal(await page.getByRole('region', { name: 'History', exact: true }).isVisible(), false);

  await page.keyboard.press('ArrowLeft');
  assert.equal(await history.getAttribute('aria-selected'), 'true');
  await page.getByRole('region', { name: 'History', exact: true }).waitFor();
  assert.deepEqual(errors, []);
});

test('the copy icon inside the code box copies the snippet', async () => {
  const { page, errors } = await openPlayground(app, { clipboard: true });
  const code = page.getByRole('region', { name: 'Code', exact: true });
  await page.getByLabel(/First name/).fill('Ann');
  const snippet = code.getByTestId('snippet');
  await snippet.filter({ hasText: '"first_name": "Ann"' }).waitFor();
  const copy = code.getByRole('button', { name: 'Copy code' });
  const inBox = await box(copy);
  const codeBox = await box(snippet);
  assert.ok(
    inBox.x >= codeBox.x && inBox.x + inBox.width <= codeBox.x + codeBox.width && inBox.y >= codeBox.y && inBox.y < codeBox.y + 48,
    'the copy button sits in the top-right corner of the code box',
  );
  assert.ok(inBox.x > codeBox.x + codeBox.width / 2, 'on the right');
  await copy.click();
  await code.getByRole('status').filter({ hasText: 'Copied' }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), await snippet.textContent());
  assert.deepEqual(errors, []);
});

test('the JWT shows header, payload and signature in three colours whose text is the token', async () => {
  for (const colorScheme of ['light', 'dark'] as const) {
    const { page, errors } = await openPlayground(app, { clipboard: true, colorScheme });
    await mint(page);
    const jwt = page.getByTestId('jwt');
    const parts = await jwt.evaluate((el) =>
      ['header', 'payload', 'signature'].map((part) => {
        const span = el.querySelector<HTMLElement>(`[data-part="${part}"]`);
        return { text: span?.textContent ?? '', colour: span ? getComputedStyle(span).color : '' };
      }),
    );
    await page.getByRole('button', { name: 'Copy token' }).click();
    const token = await page.evaluate(() => navigator.clipboard.readText());
    assert.match(token, /^eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+$/);
    assert.equal(parts.map((p) => p.text).join('.'), token, colorScheme);
    assert.equal((await jwt.textContent())?.trim(), token, 'the dots are shown between the parts');
    const colours = new Set(parts.map((p) => p.colour));
    assert.equal(colours.size, 3, `three colours in ${colorScheme}: ${[...colours].join(', ')}`);
    const text = await jwt.evaluate((el) => getComputedStyle(el).color);
    assert.ok(!colours.has(text), 'no part keeps the plain text colour');
    for (const name of ['Header', 'Payload', 'Signature']) await page.getByTestId('jwt-legend').getByText(name, { exact: true }).waitFor();
    assert.deepEqual(errors, []);
    await page.context().close();
  }
});

test('defect 11: with the built-in emulator off, the Playground and the providers list say so up front; the code is shown', async () => {
  const off = await startTestConsole({ EMULATOR_ENABLED: 'false' });
  try {
    const { page, errors } = await openPlayground(off);
    const alert = page.getByRole('alert').filter({ hasText: 'built-in emulator is off' });
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? '', /EMULATOR_ENABLED=true/);
    assert.equal(await page.getByRole('button', { name: 'Generate token' }).isDisabled(), true, 'no mint that can only fail');
    const code = page.getByRole('region', { name: 'Code', exact: true });
    await code.getByTestId('snippet').filter({ hasText: '/emulator/v1/accounts/' }).waitFor();
    assert.match((await code.getByTestId('snippet').textContent()) ?? '', /secure-anonymous\/secure-anon-[0-9a-f-]{36}\/tokens/);

    await page.goto(`${off.url}/providers`);
    const row = page.getByRole('row', { name: /Demo provider/ });
    await row.getByText('emulator off', { exact: true }).waitFor();
    assert.deepEqual(errors, []);
    await page.context().close();
  } finally {
    await off.stop();
  }
});

test('with the emulator on, neither warning shows', async () => {
  const { page, errors } = await openPlayground(app);
  await page.getByRole('region', { name: 'Code' }).getByTestId('snippet').waitFor();
  assert.equal(await page.getByRole('alert').count(), 0);
  await page.goto(`${app.url}/providers`);
  await page.getByRole('row', { name: /Demo provider/ }).waitFor();
  assert.equal(await page.getByText('emulator off', { exact: true }).count(), 0);
  assert.deepEqual(errors, []);
});

test('axe-core finds no serious or critical problem in the workbench, light and dark, minted, bulk tab, emulator off', async () => {
  const off = await startTestConsole({ EMULATOR_ENABLED: 'false' });
  try {
    for (const colorScheme of ['light', 'dark'] as const) {
      const { page, errors } = await openPlayground(app, { colorScheme });
      await page.getByRole('region', { name: 'Result' }).getByText('No token yet').waitFor();
      assert.deepEqual(await axeProblems(page), [], `${colorScheme}, empty`);
      await mint(page);
      await page.getByTestId('signature-check').waitFor();
      assert.deepEqual(await axeProblems(page), [], `${colorScheme}, minted`);
      await page.getByRole('tab', { name: 'Bulk mint' }).click();
      await page.getByRole('region', { name: 'Bulk mint' }).waitFor();
      assert.deepEqual(await axeProblems(page), [], `${colorScheme}, bulk tab`);
      assert.deepEqual(errors, []);
      await page.context().close();

      const offPage = await openPlayground(off, { colorScheme });
      await offPage.page.getByRole('alert').filter({ hasText: 'built-in emulator is off' }).waitFor();
      assert.deepEqual(await axeProblems(offPage.page), [], `${colorScheme}, emulator off`);
      await offPage.page.goto(`${off.url}/providers`);
      await offPage.page.getByText('emulator off', { exact: true }).waitFor();
      assert.deepEqual(await axeProblems(offPage.page), [], `${colorScheme}, providers with the emulator off`);
      await offPage.page.context().close();
    }
  } finally {
    await off.stop();
  }
});
