// Defect 9 of issue 15 in Chromium at 390×844, light and dark: no page is wider than the phone
// (document.documentElement.scrollWidth <= 390), the nav is a drawer behind a menu button that Esc closes, and a
// row menu opens inside the screen.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext } from 'playwright-core';
import { startTestConsole, type TestConsole } from '../helpers/console.js';
import { addSession, launchBrowser, watchErrors } from '../helpers/browser.js';
import { http } from '../helpers/http.js';

const PHONE = { width: 390, height: 844 };
let app: TestConsole | undefined;
let closeBrowser: (() => Promise<void>) | undefined;
after(async () => {
  await closeBrowser?.();
  await app?.stop();
});

async function phone(browser: Browser, colorScheme: 'light' | 'dark'): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, colorScheme });
  await addSession(context, app!);
  return context;
}

test('every page fits a 390 px phone in light and dark, with the nav in a drawer and row menus on screen', async () => {
  app = await startTestConsole();
  // Rows in every table, so a wide table has a chance to widen its page.
  const providers = await http<{ id: string }[]>('GET', `${app.url}/api/providers`);
  assert.equal(providers.status, 200, providers.text);
  const first = providers.json[0]!;
  assert.ok(first, 'the demo seed gives a provider');
  const key = await http('POST', `${app.url}/api/api-keys`, { name: 'Kiosk broker with a long descriptive name', providerIds: [first.id] });
  assert.equal(key.status, 201, key.text);
  const inv = await http('POST', `${app.url}/api/users/invites`, { email: 'a.rather.long.address@support.example.com', role: 'support' });
  assert.equal(inv.status, 201, inv.text);

  // Each page with what it shows once its data is in (the width is measured then).
  const pages: [string, string][] = [
    ['/providers', 'main tbody tr'],
    ['/credentials', 'main tbody tr'],
    ['/users', 'text=a.rather.long.address@support.example.com'],
    ['/api-keys', 'main tbody tr'],
    ['/audit', 'main tbody tr'],
    ['/bulk-jobs', 'main h2'],
    ['/transfer', 'main h2'],
    [`/providers/${first.id}/playground`, 'main h2'],
  ];
  const { browser, close } = await launchBrowser();
  closeBrowser = close;
  const wide: string[] = [];
  for (const scheme of ['light', 'dark'] as const) {
    const context = await phone(browser, scheme);
    const page = await context.newPage();
    const errors = watchErrors(page);
    for (const [path, loaded] of pages) {
      await page.goto(`${app.url}${path}`);
      await page.locator(loaded).first().waitFor();
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      if (width > PHONE.width) wide.push(`${scheme} ${path}: ${width}px`);
    }
    assert.deepEqual(errors, []);
    await context.close();
  }
  assert.deepEqual(wide, [], 'no page scrolls sideways at 390 px');

  const context = await phone(browser, 'light');
  const page = await context.newPage();
  await page.goto(`${app.url}/providers`);
  const menu = page.getByRole('button', { name: 'Menu' });
  const nav = page.getByRole('navigation', { name: 'Main' });
  assert.equal(await menu.getAttribute('aria-expanded'), 'false');
  assert.equal(await nav.getByRole('link', { name: 'Users' }).isVisible(), false, 'the drawer starts closed');

  // The drawer opens with focus on its first link, Esc closes it and gives focus back to the button.
  await menu.click();
  assert.equal(await menu.getAttribute('aria-expanded'), 'true');
  await nav.getByRole('link', { name: 'Providers' }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim()), 'Providers');
  await page.keyboard.press('Escape');
  assert.equal(await menu.getAttribute('aria-expanded'), 'false');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Menu');

  // Every section is reachable: a link in the drawer navigates and closes it.
  await menu.click();
  await nav.getByRole('link', { name: 'Import / export' }).click();
  await page.getByRole('heading', { name: 'Export' }).waitFor();
  assert.equal(await menu.getAttribute('aria-expanded'), 'false');

  // A row menu in the last column of a table that scrolls opens fully on screen.
  await page.goto(`${app.url}/providers`);
  await page
    .getByRole('button', { name: /^Actions for / })
    .first()
    .click();
  const box = await page.getByRole('menu').boundingBox();
  assert.ok(box, 'the row menu is shown');
  assert.ok(box.x >= 0 && box.x + box.width <= PHONE.width, `the row menu is inside the screen: ${JSON.stringify(box)}`);
  assert.ok(box.y >= 0 && box.y + box.height <= PHONE.height, `the row menu is inside the screen: ${JSON.stringify(box)}`);
  await page.getByRole('menuitem', { name: 'Playground' }).click();
  await page
    .getByRole('heading', { name: /Playground/ })
    .first()
    .waitFor();

  // The account menu (change password, sign out) is reachable on a phone too.
  await page.getByRole('button', { name: /^Account / }).click();
  assert.deepEqual(await page.getByRole('menuitem').allInnerTexts(), ['Change password', 'Sign out']);
  await context.close();
});
