// The console's frame in Chromium against the production build (issue 15, point 15): the wide-screen sidebar
// collapses to icons and back, keeps every link's name (and a tooltip), and is remembered after a reload;
// breadcrumbs name where a nested page sits and their links work; the account menu works from the keyboard,
// opens Change password and signs out; axe finds nothing serious in the collapsed shell with a menu open,
// light and dark.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { axeProblems } from '../helpers/axe.js';
import type { Browser, Page } from 'playwright-core';
import { OWNER, startTestConsole, type TestConsole } from '../helpers/console.js';
import { addSession, launchBrowser, signInThroughPage, watchErrors } from '../helpers/browser.js';
import { http } from '../helpers/http.js';

const WIDE = { width: 1440, height: 900 };
let app: TestConsole;
let browser: Browser;
let closeBrowser: () => Promise<void>;
let demo: { id: string; description: string };

before(async () => {
  app = await startTestConsole();
  ({ browser, close: closeBrowser } = await launchBrowser());
  demo = (await http<{ id: string; description: string }[]>('GET', `${app.url}/api/providers`)).json[0]!;
});
after(async () => {
  await closeBrowser?.();
  await app?.stop();
});

async function ownerPage(colorScheme: 'light' | 'dark' = 'light'): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: WIDE, colorScheme });
  await addSession(context, app);
  const page = await context.newPage();
  return { page, errors: watchErrors(page) };
}

const crumbs = (page: Page) => page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('listitem').allInnerTexts();

test('the sidebar collapses to icons with names and tooltips kept, and stays so after a reload', async () => {
  const { page, errors } = await ownerPage();
  await page.goto(`${app.url}/providers`);
  const toggle = page.getByRole('button', { name: 'Sidebar' });
  const nav = page.getByRole('navigation', { name: 'Main' });
  const sidebarWidth = async () => (await page.locator('#sidebar').boundingBox())!.width;
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  assert.equal(await toggle.getAttribute('aria-controls'), 'sidebar');
  const full = await sidebarWidth();

  await toggle.click();
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  await page.waitForFunction(() => document.querySelector('#sidebar')!.getBoundingClientRect().width < 80);
  assert.ok(full > 150, `expanded, the sidebar shows its labels (${full}px)`);
  // Every link keeps its name (screen readers, getByRole) though only its icon shows.
  const users = nav.getByRole('link', { name: 'Users', exact: true });
  assert.ok(await users.isVisible(), 'the Users icon link is shown');
  for (const name of ['Providers', 'Credentials', 'API keys', 'Audit log', 'Import / export', 'API docs'])
    assert.equal(await nav.getByRole('link', { name, exact: true }).count(), 1, name);
  // Keyboard focus shows the name as a tooltip.
  await users.focus();
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Tab');
  await page.getByRole('tooltip', { name: 'Users' }).waitFor();
  await users.click();
  await page.getByRole('heading', { name: 'Users', exact: true }).waitFor();

  await page.reload();
  await nav.waitFor();
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false', 'the choice is remembered');
  assert.ok((await sidebarWidth()) < 80);
  await toggle.click();
  await page.reload();
  await nav.getByRole('link', { name: 'Users', exact: true }).waitFor();
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  assert.ok((await sidebarWidth()) > 150);
  assert.deepEqual(errors, []);
});

test('breadcrumbs name a nested page and its provider, and their links lead back', async () => {
  const { page, errors } = await ownerPage();
  await page.goto(`${app.url}/providers/${demo.id}/playground`);
  await page.getByRole('navigation', { name: 'Breadcrumb' }).getByText(demo.description).waitFor();
  assert.deepEqual(await crumbs(page), ['Providers', demo.description, 'Playground']);
  const current = page.getByRole('navigation', { name: 'Breadcrumb' }).locator('[aria-current=page]');
  assert.equal(await current.innerText(), 'Playground');
  await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Providers' }).click();
  await page.getByRole('heading', { name: 'Anonymous Access Providers' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/providers');
  assert.deepEqual(await crumbs(page), ['Providers'], "the provider's name is gone with its page");
  assert.deepEqual(errors, []);
});

test('the account menu: Enter opens it, arrows move, Esc closes it; Change password opens its dialog; Sign out signs out', async () => {
  // A session of its own (signed in through the page), so signing out does not end the one the other tests use.
  const context = await browser.newContext({ viewport: WIDE });
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(`${app.url}/providers`);
  await signInThroughPage(page, OWNER.email, OWNER.password);
  const trigger = page.getByRole('button', { name: `Account ${OWNER.email}` });
  const focused = () => page.evaluate(() => document.activeElement?.textContent?.trim());

  await trigger.focus();
  await page.keyboard.press('Enter');
  await page.getByRole('menu').waitFor();
  assert.deepEqual(await page.getByRole('menuitem').allInnerTexts(), ['Change password', 'Sign out']);
  assert.equal(await focused(), 'Change password', 'opened from the keyboard, the first item has focus');
  await page.keyboard.press('ArrowDown');
  assert.equal(await focused(), 'Sign out');
  await page.keyboard.press('Escape');
  await page.getByRole('menu').waitFor({ state: 'detached' });
  assert.equal(await trigger.getAttribute('aria-expanded'), 'false');
  assert.ok(await trigger.evaluate((el) => el === document.activeElement), 'Esc gives focus back to the account button');

  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Change password' });
  await dialog.waitFor();
  await dialog.getByRole('button', { name: 'Close' }).click();
  await dialog.waitFor({ state: 'detached' });

  await trigger.click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await page.reload();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

for (const scheme of ['light', 'dark'] as const)
  test(`axe: the collapsed shell with the account menu open has no serious or critical violation (${scheme})`, async () => {
    const { page, errors } = await ownerPage(scheme);
    await page.goto(`${app.url}/providers/${demo.id}/playground`);
    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByText(demo.description).waitFor();
    const toggle = page.getByRole('button', { name: 'Sidebar' });
    if ((await toggle.getAttribute('aria-expanded')) === 'true') await toggle.click();
    await page.getByRole('button', { name: /^Account / }).click();
    await page.getByRole('menu').waitFor();
    const violations = await axeProblems(page);
    assert.deepEqual(violations, []);
    assert.deepEqual(errors, []);
  });
