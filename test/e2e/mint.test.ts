// The first vertical slice in a real browser, against the production build of the SPA: open the console,
// pick the demo provider, fill the optional parameters, generate, and see a verified JWT.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestConsole, type TestConsole } from '../helpers/console.js';
import { addSession, launchBrowser, openBulkTab, watchErrors } from '../helpers/browser.js';
import { http } from '../helpers/http.js';
import { WEB_ROOT } from '../../server/paths.js';
import type { Browser } from 'playwright-core';

let app: TestConsole;
let browser: Browser;
let closeBrowser: () => Promise<void>;

/** A page in a fresh context, signed in as the owner. */
async function newSignedInPage(opts: { clipboard?: boolean; downloads?: boolean } = {}) {
  const context = await browser.newContext(opts.downloads ? { acceptDownloads: true } : {});
  await addSession(context, app);
  if (opts.clipboard) await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  return context.newPage();
}

/** The demo provider's Playground, signed in as the owner, with the page's errors watched. */
async function openDemoPlayground(opts: { clipboard?: boolean; downloads?: boolean } = {}) {
  const page = await newSignedInPage(opts);
  const errors = watchErrors(page);
  const [demo] = (await http<{ id: string }[]>('GET', `${app.url}/api/providers`)).json;
  await page.goto(`${app.url}/providers/${demo!.id}/playground`);
  return { page, errors, demoId: demo!.id };
}

/** Bulk mint is a tab of the Playground's secondary panels (History is the one shown first). */

before(async () => {
  assert.ok(existsSync(join(WEB_ROOT, 'index.html')), 'the SPA is built (npm test builds it first)');
  app = await startTestConsole();
  ({ browser, close: closeBrowser } = await launchBrowser());
});
after(async () => {
  await closeBrowser?.();
  await app?.stop();
});

test('open the console, mint with the optional parameters, and see the JWT and its claims', async () => {
  const context = await browser.newContext({ acceptDownloads: true });
  await addSession(context, app);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(app.url);
  await page.getByRole('heading', { name: 'Anonymous Access Providers' }).waitFor();
  await page.getByRole('button', { name: /Actions for Demo provider/ }).click();
  await page.getByRole('menuitem', { name: 'Playground' }).click();
  await page.getByRole('heading', { name: 'Playground', exact: true }).waitFor();
  assert.match(page.url(), /\/providers\/[0-9a-f-]{36}\/playground$/, 'the Playground has its own URL');
  assert.match(
    (await page.getByTestId('token-uri').textContent()) ?? '',
    /\/emulator\/v1\/accounts\/[0-9a-f-]{36}\/secure-anonymous\/secure-anon-[0-9a-f-]{36}\/tokens$/,
  );

  await page.getByLabel(/First name/).fill('Ann');
  await page.getByLabel(/Last name/).fill('Smith');
  await page.getByLabel(/^Email \(email\)/).fill('ann@example.com');
  await page.getByLabel(/Email domain/).fill('example.com');
  await page.getByRole('textbox', { name: /^Metadata/ }).fill('{"should_accept_tos": false, "language": "EN"}');
  await page.getByRole('button', { name: 'Generate token' }).click();

  const jwt = page.getByTestId('jwt');
  await jwt.waitFor();
  const token = ((await jwt.textContent()) ?? '').trim();
  assert.match(token, /^eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
  assert.equal(claims.first_name, 'Ann');
  assert.deepEqual(claims.metadata, { should_accept_tos: false, language: 'EN' });
  assert.match((await page.getByTestId('countdown').textContent()) ?? '', /Expires in 59 min|Expires in 1 h/);
  await page.getByRole('cell', { name: 'ann@example.com', exact: true }).waitFor();

  // Signature checked against the emulator's JWKS; Check token; launch link with QR code.
  await page.getByTestId('signature-check').filter({ hasText: 'Signature: valid' }).waitFor();
  await page.getByRole('button', { name: 'Check token' }).click();
  await page.getByTestId('assertions').filter({ hasText: '"language": "EN"' }).waitFor();
  await page.getByLabel('Launch or Launchpad link').fill('https://console.nutanix.com/x/launchpad/abc');
  await page.getByLabel(/Quit and log out/).check();
  assert.equal(await page.getByTestId('launch-link').textContent(), `https://console.nutanix.com/x/launchpad/abc#token=${token}&qlo=1`);
  await page.getByRole('button', { name: 'QR code' }).click();
  await page.getByRole('img', { name: 'QR code of the launch link' }).waitFor();

  // The signature debugger: what was signed, 8 hex characters of the signature, and a server-side comparison.
  await page.getByText('Signature debugger').click();
  assert.match((await page.getByTestId('signature-prefix').textContent()) ?? '', /^[0-9a-f]{8}…$/);
  const signed = (await page.getByTestId('string-to-sign').textContent()) ?? '';
  await page.getByLabel('Your X-Frame-Timestamp').fill(signed.slice(0, 10));
  await page.getByLabel('Your X-Frame-Signature').fill('0'.repeat(64));
  await page.getByRole('button', { name: 'Compare' }).click();
  await page
    .getByTestId('compare-verdict')
    .filter({ hasText: /Mismatch.*Signature: Timestamp, client id and string are right/s })
    .waitFor();

  // Snippets follow the form, in Frame's tab order, and never hold the secret.
  const tabs = await page.getByRole('tablist', { name: 'Languages' }).getByRole('tab').allTextContents();
  assert.deepEqual(
    tabs.map((t) => t.trim()),
    ['Python3', 'Node.js', 'Curl', 'PowerShell', 'PHP', 'Go', 'Java', 'C#', 'Ruby', 'TypeScript'],
  );
  const snippet = page.getByTestId('snippet');
  assert.match((await snippet.textContent()) ?? '', /"first_name": "Ann"/);
  await page.getByLabel(/First name/).fill('Bea');
  await page.getByTestId('snippet').filter({ hasText: '"first_name": "Bea"' }).waitFor();
  await page.getByRole('tab', { name: 'Python3' }).focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.getByRole('tab', { name: 'Curl' }).getAttribute('aria-selected'), 'true');
  const curl = (await snippet.textContent()) ?? '';
  assert.match(curl, /openssl dgst -sha256 -hmac "\$client_secret"/);
  assert.match(curl, /FRAME_CLIENT_SECRET/);
  await page.getByLabel(/Write the client id into the code/).uncheck();
  assert.match((await snippet.textContent()) ?? '', /FRAME_CLIENT_ID/);
  await page.getByRole('button', { name: 'Copy code' }).click();
  assert.match(await page.evaluate(() => navigator.clipboard.readText()), /FRAME_CLIENT_ID/);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download frame-token.sh' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'frame-token.sh');
  assert.deepEqual(errors, []);
});

test('a metadata syntax error is shown next to the field and nothing is sent', async () => {
  const { page, errors } = await openDemoPlayground();
  await page.getByRole('heading', { name: 'Playground', exact: true }).waitFor();
  await page.getByRole('textbox', { name: /^Metadata/ }).fill('{\n  "a": 1,\n  b: 2\n}');
  // Exact: the code panel says it too, in a longer sentence.
  await page
    .getByText('Metadata is not valid JSON: unexpected "b", expected a property name in double quotes at line 3, column 3', { exact: true })
    .waitFor();
  assert.equal(await page.getByRole('button', { name: 'Generate token' }).isDisabled(), true);
  await page.getByRole('textbox', { name: /^Metadata/ }).fill('["not", "an", "object"]');
  await page
    .locator('#e-metadata')
    .getByText(/Metadata must be a JSON object/)
    .waitFor();
  await page.getByLabel(/^Email \(email\)/).fill('not-an-email');
  await page.getByRole('textbox', { name: /^Metadata/ }).fill('');
  await page.getByText(/email must look like name@example.com/).waitFor();
  assert.deepEqual(errors, []);
});

test('invalid metadata: the code panel names the problem, keeps the other fields and cannot be copied', async () => {
  const { page, errors } = await openDemoPlayground({ clipboard: true });
  const code = page.getByRole('region', { name: 'Code' });
  const snippet = code.getByTestId('snippet');
  await page.getByLabel(/First name/).fill('Ann');
  await page.getByLabel(/^Email \(email\)/).fill('ann@example.com');
  await page.getByRole('textbox', { name: /^Metadata/ }).fill('{"language": "EN"}');
  await snippet.filter({ hasText: '"language": "EN"' }).waitFor();
  assert.equal(await code.getByRole('button', { name: 'Copy code' }).isEnabled(), true);

  await page.getByRole('textbox', { name: /^Metadata/ }).fill('{"language": EN}');
  await code
    .getByRole('alert')
    .filter({ hasText: 'Metadata is not valid JSON: unexpected "E", expected a value at line 1, column 14' })
    .waitFor();
  const python = (await snippet.textContent()) ?? '';
  assert.doesNotMatch(python, /body = \{\}/, 'the other fields stay in the code');
  assert.match(python, /"first_name": "Ann"/);
  assert.match(python, /"email": "ann@example.com"/);
  assert.doesNotMatch(python, /language/, 'no stale metadata is shown as if it were the current one');
  assert.equal(await code.getByRole('button', { name: 'Copy code' }).isDisabled(), true, 'Copy is off while the code is not the request');
  assert.equal(await code.getByRole('button', { name: /^Download / }).isDisabled(), true);
  await page.getByRole('tab', { name: 'Curl' }).click();
  assert.match((await snippet.textContent()) ?? '', /data='\{"first_name":"Ann","email":"ann@example.com"\}'/);
  assert.equal(await code.getByRole('button', { name: 'Copy code' }).isDisabled(), true);

  await page.getByRole('textbox', { name: /^Metadata/ }).fill('{"language": "EN"}');
  await snippet.filter({ hasText: '"metadata":{"language":"EN"}' }).waitFor();
  assert.equal(await code.getByRole('alert').count(), 0);
  await code.getByRole('button', { name: 'Copy code' }).click();
  assert.match(await page.evaluate(() => navigator.clipboard.readText()), /"metadata":\{"language":"EN"\}/);
  assert.deepEqual(errors, []);
});

test('the bulk template and the form word a bad metadata field alike', async () => {
  const { page, errors } = await openDemoPlayground();
  const bulk = await openBulkTab(page);
  for (const bad of ['{"seat": S{n}}', '["S{n}"]']) {
    await page.getByRole('textbox', { name: /^Metadata/ }).fill(bad);
    const formError = page.locator('#e-metadata');
    await formError.waitFor();
    await bulk.getByLabel(/^metadata/).fill(bad);
    await bulk.getByRole('button', { name: 'Start bulk mint' }).click();
    const bulkError = bulk.locator('#bulk-metadata-error');
    await bulkError.waitFor();
    assert.equal((await bulkError.textContent())?.trim(), (await formError.textContent())?.trim(), bad);
    assert.equal(await bulk.getByRole('progressbar').count(), 0, 'no job was started');
  }
  assert.deepEqual(errors, []);
});

test('form labels are shown whole, at 1440 and at 390 px wide', async () => {
  const { page, errors } = await openDemoPlayground();
  await openBulkTab(page);
  for (const width of [1440, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    // A label cut short (an ellipsis or a hidden overflow) is wider inside than the box that shows it.
    const cut = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('.mint-form label')]
        .filter((label) => label.offsetParent !== null && label.scrollWidth > label.clientWidth)
        .map((label) => label.textContent?.trim()),
    );
    assert.deepEqual(cut, [], `at ${width} px`);
    for (const name of ['Email domain (email_domain)', 'Number of tokens (1–10,000)']) {
      const label = page.locator('label', { hasText: name });
      assert.ok(await label.evaluate((el) => el.scrollWidth <= el.clientWidth && el.clientWidth > 0), `${name} at ${width} px`);
    }
  }
  assert.deepEqual(errors, []);
});

test('bulk: 200 tokens with visible progress, then a bulk of 10,000 cancelled midway with partial results', async () => {
  const { page, errors } = await openDemoPlayground({ downloads: true });
  const bulk = await openBulkTab(page);
  await bulk.getByLabel('Number of tokens (1–10,000)').fill('200');
  await bulk.getByRole('button', { name: 'Start bulk mint' }).click();
  await bulk.getByRole('progressbar').waitFor();
  await bulk.getByRole('status').filter({ hasText: 'done: 200 / 200 (200 ok, 0 failed)' }).waitFor();
  const [csv] = await Promise.all([page.waitForEvent('download'), bulk.getByRole('link', { name: 'Download CSV' }).click()]);
  const csvText = readFileSync((await csv.path())!, 'utf8');
  assert.equal(csvText.trim().split('\r\n').length, 201);

  await bulk.getByLabel('Number of tokens (1–10,000)').fill('10000');
  await bulk.getByLabel('Concurrency (1–32)').fill('2');
  await bulk.getByRole('button', { name: 'Start bulk mint' }).click();
  await bulk
    .getByRole('status')
    .filter({ hasText: /running: [1-9]\d* \/ 10000/ })
    .waitFor();
  await bulk.getByRole('button', { name: 'Cancel' }).click();
  const status = bulk.getByRole('status').filter({ hasText: /^cancelled: / });
  await status.waitFor();
  const done = Number(/cancelled: (\d+) \/ 10000/.exec((await status.textContent()) ?? '')?.[1]);
  assert.ok(done > 0 && done < 10000, `done ${done}`);
  const [json] = await Promise.all([page.waitForEvent('download'), bulk.getByRole('link', { name: 'Download JSON' }).click()]);
  const rows = JSON.parse(readFileSync((await json.path())!, 'utf8')) as unknown[];
  assert.equal(rows.length, done, 'the partial results hold every token minted before the cancel');
  assert.deepEqual(errors, []);
});

test('presets, key/value metadata, history: save, load back, keep a token', async () => {
  const { page, errors, demoId } = await openDemoPlayground({ clipboard: true });

  // The kiosk suggestion fills the metadata; key/value mode edits it as rows.
  await page.getByLabel('Preset', { exact: true }).selectOption({ label: 'Kiosk (suggested)' });
  await page.getByRole('button', { name: 'Load', exact: true }).click();
  assert.match(await page.getByRole('textbox', { name: /^Metadata/ }).inputValue(), /"should_accept_tos": false/);
  await page.getByRole('button', { name: 'Key / value' }).click();
  assert.equal(await page.getByLabel('Key 1').inputValue(), 'should_accept_tos');
  await page.getByRole('button', { name: 'Add key' }).click();
  await page.getByLabel('Key 3').fill('seat');
  await page.getByLabel('Value 3').fill('12');
  await page.getByRole('button', { name: 'JSON', exact: true }).click();
  assert.match(await page.getByRole('textbox', { name: /^Metadata/ }).inputValue(), /"seat": 12/);

  // Save as a team preset, mint keeping the token, then load the params back from the history.
  await page.getByLabel(/^Email \(email\)/).fill('lobby@example.com');
  await page.getByLabel('Preset name').fill('Lobby kiosk');
  await page.getByRole('button', { name: 'Save as preset' }).click();
  await page.getByRole('status').filter({ hasText: 'Saved preset Lobby kiosk.' }).waitFor();
  await page.getByLabel(/Keep the token in the history/).check();
  await page.getByRole('button', { name: 'Generate token' }).click();
  const token = ((await page.getByTestId('jwt').textContent()) ?? '').trim();
  const history = page.getByRole('region', { name: 'History' });
  await history.getByRole('cell', { name: 'lobby@example.com', exact: true }).waitFor();
  await history.getByRole('button', { name: 'Copy token' }).first().click();
  await page.getByRole('status').filter({ hasText: 'Token copied.' }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), token);

  await page.getByLabel(/^Email \(email\)/).fill('');
  await page.getByRole('textbox', { name: /^Metadata/ }).fill('');
  await history
    .getByRole('button', { name: /Load parameters of lobby@example.com/ })
    .first()
    .click();
  assert.equal(await page.getByLabel(/^Email \(email\)/).inputValue(), 'lobby@example.com');
  assert.match(await page.getByRole('textbox', { name: /^Metadata/ }).inputValue(), /"seat": 12/);
  const presets = (await http<{ name: string }[]>('GET', `${app.url}/api/providers/${demoId}/presets`)).json;
  assert.ok(
    presets.some((p) => p.name === 'Lobby kiosk'),
    'the preset is shared through the server',
  );
  assert.deepEqual(errors, []);
});

test('the console and the API docs load under their Content-Security-Policy with no violation', async () => {
  const page = await newSignedInPage();
  const errors = watchErrors(page);
  const response = await page.goto(app.url);
  const csp = response?.headers()['content-security-policy'] ?? '';
  for (const directive of ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "script-src 'self'"])
    assert.ok(csp.includes(directive), directive);
  assert.equal(/unsafe-/.test(csp), false, 'no unsafe-* in the policy');
  await page.getByRole('heading', { name: 'Anonymous Access Providers' }).waitFor();
  await page.goto(`${app.url}/docs`);
  await page.getByText('sat-playground API').first().waitFor();
  assert.deepEqual(errors, []);
});
