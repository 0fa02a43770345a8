// Debian's Chromium driven by playwright-core; never a downloaded browser. Playwright gives each launch
// a fresh temporary profile.
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { existsSync } from 'node:fs';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchBrowser(): Promise<{ browser: Browser; close: () => Promise<void> }> {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} not found: install Debian's chromium (apt-get install chromium), as .ci/run does`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  return { browser, close: () => browser.close() };
}

/**
 * Collects page errors, console errors and dialogs so a test can assert there were none. With
 * allow4xx, Chromium's notes about API answers of 400-499 that the test provokes on purpose are ignored.
 */
export function watchErrors(page: Page, opts: { allow4xx?: boolean } = {}): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    if (opts.allow4xx && /^Failed to load resource: the server responded with a status of 4\d\d/.test(msg.text())) return;
    errors.push(`console: ${msg.text()}`);
  });
  page.on('dialog', (d) => {
    errors.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  return errors;
}

/** Gives a browser context the session of a console the test signed in to (see startTestConsole). */
export async function addSession(context: BrowserContext, app: { url: string; owner: { cookie: string } }): Promise<void> {
  const eq = app.owner.cookie.indexOf('=');
  await context.addCookies([
    { name: app.owner.cookie.slice(0, eq), value: app.owner.cookie.slice(eq + 1), url: app.url, httpOnly: true, sameSite: 'Strict' },
  ]);
}

/** Everything the page shows or keeps: its HTML, the values of its inputs and its localStorage (secret scans). */
export async function renderedText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const values = [...document.querySelectorAll('input, textarea')].map((el) => (el as HTMLInputElement).value);
    return `${document.documentElement.outerHTML}\n${values.join('\n')}\n${localStorage.length ? JSON.stringify(localStorage) : ''}`;
  });
}

/** Signs in through the sign-in page the console shows to a browser without a session. */
export async function signInThroughPage(page: Page, email: string, password: string): Promise<void> {
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}

/** Opens the Playground's Bulk mint tab and gives its panel (History is the tab shown first). */
export async function openBulkTab(page: Page): Promise<Locator> {
  await page.getByRole('tablist', { name: 'Playground panels' }).getByRole('tab', { name: 'Bulk mint' }).click();
  const bulk = page.getByRole('region', { name: 'Bulk mint' });
  await bulk.waitFor();
  return bulk;
}
