// The launch-link QR code (issue 15, defect 12) read by a real decoder from what the browser draws at 1× device
// scale, not from the DOM: zbarimg must decode the on-screen code and the downloaded PNG and SVG to the exact
// launch link, and every module must be at least 3 CSS px on screen (8 px in the PNG).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestConsole, type TestConsole } from '../helpers/console.js';
import { addSession, launchBrowser, watchErrors } from '../helpers/browser.js';
import { http } from '../helpers/http.js';
import { tempDir } from '../helpers/tmp.js';
import { decodeQr, pixelsPerModule } from '../helpers/zbar.js';
import type { Browser, Page } from 'playwright-core';

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

/** Mints a token on the demo provider (built-in emulator) with the claims of the demo, and shows its launch link's QR code. */
async function showLaunchQr(page: Page): Promise<{ link: string; providerName: string }> {
  const [demo] = (await http<{ id: string; name: string }[]>('GET', `${app.url}/api/providers`)).json;
  await page.goto(`${app.url}/providers/${demo!.id}/playground`);
  await page.getByRole('heading', { name: 'Playground', exact: true }).waitFor();
  await page.getByLabel(/First name/).fill('Ann');
  await page.getByLabel(/Last name/).fill('Smith');
  await page.getByLabel(/^Email \(email\)/).fill('ann@example.com');
  await page.getByLabel(/Email domain/).fill('example.com');
  await page.getByRole('textbox', { name: /^Metadata/ }).fill('{"should_accept_tos": false, "language": "EN"}');
  await page.getByRole('button', { name: 'Generate token' }).click();
  await page.getByTestId('jwt').waitFor();
  await page.getByLabel('Launch or Launchpad link').fill('https://console.nutanix.com/x/launchpad/abc');
  await page.getByLabel(/Quit and log out/).check();
  const link = (await page.getByTestId('launch-link').textContent()) ?? '';
  assert.match(link, /#token=eyJ.*&qlo=1$/);
  await page.getByRole('button', { name: 'QR code' }).click();
  await page.getByRole('img', { name: 'QR code of the launch link' }).waitFor();
  return { link, providerName: demo!.name };
}

test('the on-screen QR code of an 800-odd-character launch link decodes with zbarimg at 1× and has ≥ 3 px per module', async (t) => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
  await addSession(context, app);
  const page = await context.newPage();
  const errors = watchErrors(page);
  const { link } = await showLaunchQr(page);
  assert.ok(link.length > 600, `a realistic launch link (${link.length} characters)`);

  const shot = await page.getByRole('img', { name: 'QR code of the launch link' }).screenshot();
  const ppm = pixelsPerModule(shot);
  t.diagnostic(`launch link ${link.length} characters, ${ppm} px per module on screen`);
  assert.ok(ppm >= 3, `${ppm} px per module on screen`);
  assert.deepEqual(decodeQr(shot), [link], 'zbarimg reads the exact launch link from the screenshot');
  assert.deepEqual(errors, [], 'no CSP violation or other error');
});

test('Download PNG and Download SVG give codes named after the provider that zbarimg decodes to the link', async (t) => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1, acceptDownloads: true });
  await addSession(context, app);
  const page = await context.newPage();
  const errors = watchErrors(page);
  const { link, providerName } = await showLaunchQr(page);

  const [png] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download PNG' }).click()]);
  assert.equal(png.suggestedFilename(), `launch-link-qr-${providerName}.png`);
  const pngBytes = readFileSync((await png.path())!);
  assert.ok(pixelsPerModule(pngBytes) >= 8, `${pixelsPerModule(pngBytes)} px per module in the PNG`);
  assert.deepEqual(decodeQr(pngBytes), [link], 'zbarimg reads the exact launch link from the PNG');

  const [svg] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download SVG' }).click()]);
  assert.equal(svg.suggestedFilename(), `launch-link-qr-${providerName}.svg`);
  // Saved under its own name: the browser shows a file as an image by its .svg extension.
  const dir = tempDir('sat-qr-svg-');
  t.after(dir.cleanup);
  const svgPath = join(dir.path, svg.suggestedFilename());
  await svg.saveAs(svgPath);
  assert.match(readFileSync(svgPath, 'utf8'), /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  // The SVG file as another program shows it: opened on its own in a fresh page, drawn, then decoded.
  const viewer = await context.newPage();
  await viewer.goto(`file://${svgPath}`);
  const drawn = await viewer.locator('svg').screenshot();
  assert.deepEqual(decodeQr(drawn), [link], 'zbarimg reads the exact launch link from the SVG as drawn');
  assert.deepEqual(errors, []);
});

test('at 390 px the code keeps ≥ 3 px per module inside its column; wider, it scrolls in a labelled, focusable frame', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
  await addSession(context, app);
  const page = await context.newPage();
  const errors = watchErrors(page);
  const { link } = await showLaunchQr(page);
  const qr = page.getByRole('img', { name: 'QR code of the launch link' });
  const inColumn = () =>
    qr.evaluate((svg) => {
      const frame = svg.parentElement!.getBoundingClientRect();
      const column = svg.closest('figure')!.parentElement!.getBoundingClientRect();
      return frame.left >= column.left && frame.right <= column.right;
    });
  const shot = await qr.screenshot();
  assert.ok(pixelsPerModule(shot) >= 3, `${pixelsPerModule(shot)} px per module on a phone`);
  assert.deepEqual(decodeQr(shot), [link]);
  assert.equal(await inColumn(), true, 'the code or its frame stays inside its column');
  const scrolls = await qr.evaluate((svg) => svg.parentElement!.scrollWidth > svg.parentElement!.clientWidth);
  assert.equal(
    await page.getByRole('region', { name: 'QR code of the launch link, scrollable' }).count(),
    scrolls ? 1 : 0,
    'a scroll frame exactly when the code is wider than its column',
  );

  // About 2,000 characters: version 30-odd, ~480 px at 3 px per module, wider than the phone.
  await page.getByLabel('Launch or Launchpad link').fill(`https://console.nutanix.com/x/launchpad/${'a'.repeat(1200)}`);
  const frame = page.getByRole('region', { name: 'QR code of the launch link, scrollable' });
  await frame.waitFor();
  assert.equal(await frame.getAttribute('tabindex'), '0', 'the frame scrolls with the keyboard');
  assert.equal(await inColumn(), true, 'the frame stays inside its column');
  await page.getByTestId('qr-caption').filter({ hasText: 'Wider than this screen: scroll it, or download the PNG' }).waitFor();
  const wide = await qr.evaluate((svg) => svg.getBoundingClientRect().width);
  assert.ok(wide > 390, `the code keeps its size (${wide} px) rather than shrinking below what scans`);
  assert.deepEqual(errors, []);
});
