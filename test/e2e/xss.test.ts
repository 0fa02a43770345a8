// Stored XSS proof against the production build: hostile strings in every user-controlled field are shown
// as text on every page that shows them, with no dialog, no injected element and no CSP violation.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startWithDemo, type TestConsole } from '../helpers/console.js';
import { addSession, launchBrowser, watchErrors } from '../helpers/browser.js';
import { http } from '../helpers/http.js';

const PAYLOADS = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(2)>',
  '"><svg onload=alert(3)>',
  'javascript:alert(4)',
  '{{ constructor.constructor("alert(5)")() }}',
  '${alert(6)}',
  '\u202eevil\u202c <b>bidi</b>',
];
const LONG = `${'<i>long</i>'.repeat(900)}end`; // ~10k characters

let app: TestConsole | undefined;
let closeBrowser: (() => Promise<void>) | undefined;
after(async () => {
  await closeBrowser?.();
  await app?.stop();
});

test('stored payloads in every user-controlled field render as text: 0 dialogs, 0 injected elements, 0 CSP violations', async () => {
  let demo: { id: string };
  ({ app, demo } = await startWithDemo());
  const p = (i: number) => PAYLOADS[i % PAYLOADS.length]!;
  // Credential set, provider, tags, preset, API key, invited user: each field a payload.
  const cred = await http<{ id: string }>('POST', `${app.url}/api/credential-sets`, {
    name: p(0),
    clientId: `${randomUUID()}.x`,
    clientSecret: 'a-secret-value',
    upstreamUrl: 'builtin:emulator',
    notes: `${p(1)} ${LONG.slice(0, 900)}`,
  });
  assert.equal(cred.status, 201, cred.text);
  const prov = await http<{ id: string }>('POST', `${app.url}/api/providers`, {
    description: p(2),
    tokenDurationMin: 60,
    entityLevel: 'account',
    entityId: randomUUID(),
    credentialSetId: cred.json.id,
    tags: [p(3), p(4).slice(0, 40)],
  });
  assert.equal(prov.status, 201, prov.text);
  assert.equal((await http('PATCH', `${app.url}/api/providers/${demo.id}`, { description: p(5) })).status, 200);
  const body = { first_name: p(0), last_name: p(1), email: 'x@example.com', metadata: { note: p(2), long: LONG, [p(3)]: p(6) } };
  assert.equal((await http('POST', `${app.url}/api/providers/${demo.id}/presets`, { name: p(6).slice(0, 60), params: body })).status, 201);
  assert.equal(
    (await http('POST', `${app.url}/api/providers/${demo.id}/tokens`, body)).status,
    200,
    'a mint whose claims carry the payloads',
  );
  assert.equal((await http('POST', `${app.url}/api/api-keys`, { name: p(1), providerIds: [demo.id] })).status, 201);
  assert.equal((await http('POST', `${app.url}/api/users/invites`, { email: 'x@evil.example', role: 'viewer' })).status, 201);

  const { browser, close } = await launchBrowser();
  closeBrowser = close;
  const context = await browser.newContext();
  await addSession(context, app);
  // Count CSP violations as the page sees them, not only as console messages.
  await context.addInitScript(() => {
    (window as unknown as { __violations: string[] }).__violations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      (window as unknown as { __violations: string[] }).__violations.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  const page = await context.newPage();
  const errors = watchErrors(page, { allow4xx: true });
  const pages = ['/providers', '/credentials', `/providers/${demo.id}/playground`, '/api-keys', '/users', '/audit'];
  for (const path of pages) {
    await page.goto(`${app.url}${path}`);
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await page.waitForLoadState('networkidle');
    if (path.includes('playground')) {
      await page
        .getByRole('button', { name: 'Generate token' })
        .click()
        .catch(() => undefined);
      await page.getByLabel(/^First name/).fill(p(0));
      await page.getByRole('button', { name: 'Generate token' }).click();
      await page.getByTestId('jwt').waitFor();
    }
    const injected = await page.locator('img[src="x"], svg[onload], script:not([src]), [onerror], [onload]').count();
    assert.equal(injected, 0, `no element injected on ${path}`);
    const violations = await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
    assert.deepEqual(violations, [], `no CSP violation on ${path}`);
  }
  // The payloads are there, as text.
  await page.goto(`${app.url}/providers`);
  await page.getByText(p(2), { exact: true }).first().waitFor();
  await page.getByText(p(5), { exact: true }).first().waitFor();
  await page.goto(`${app.url}/credentials`);
  await page.getByText(p(0), { exact: true }).first().waitFor();
  await page.goto(`${app.url}/providers/${demo.id}/playground`);
  await page.getByLabel(/^First name/).fill(p(0));
  await page.getByRole('button', { name: 'Generate token' }).click();
  await page
    .getByRole('cell', { name: p(0), exact: true })
    .first()
    .waitFor();
  assert.equal(await page.evaluate(() => document.title.includes('<')), false);
  assert.deepEqual(errors, []);
});
