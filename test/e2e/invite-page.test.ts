// F4 in a real browser: the invitation page (/invite#<token>) looks the invitation up and accepts it
// without the token ever being in a URL the browser requests, so the trace-level request log holds
// no trace of it.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestConsole, type TestConsole } from '../helpers/console.js';
import { launchBrowser, watchErrors } from '../helpers/browser.js';
import { http } from '../helpers/http.js';

let app: TestConsole | undefined;
let closeBrowser: (() => Promise<void>) | undefined;
after(async () => {
  await closeBrowser?.();
  await app?.stop();
});

test('the invitation page accepts an invitation and neither the requested URLs nor the log hold its token', async () => {
  app = await startTestConsole({ LOG_LEVEL: 'trace', SEED_DEMO: 'false' });
  const inv = await http<{ token: string }>('POST', `${app.url}/api/users/invites`, { email: 'ivy@team.example', role: 'viewer' });
  assert.equal(inv.status, 201, inv.text);
  const { token } = inv.json;

  const { browser, close } = await launchBrowser();
  closeBrowser = close;
  const page = await (await browser.newContext()).newPage();
  const errors = watchErrors(page);
  const requested: string[] = [];
  page.on('request', (r) => requested.push(r.url()));
  await page.goto(`${app.url}/invite#${token}`);
  await page.getByText('You are invited as viewer with the email ivy@team.example.').waitFor();
  await page.getByLabel('Choose a password').fill('ivys own long passphrase');
  await page.getByRole('button', { name: 'Create my account' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
  assert.equal(new URL(page.url()).hash, '', 'the token leaves the address bar once used');

  assert.deepEqual(
    requested.filter((u) => u.includes(token)),
    [],
    'no requested URL carries the token (the fragment is never sent)',
  );
  assert.ok(app.logs().includes('/api/invites/accept'), 'the request log is on');
  assert.deepEqual(
    app
      .logs()
      .split('\n')
      .filter((l) => l.includes(token)),
    [],
    'the token is in no log line',
  );
  assert.ok(requested.some((u) => u.endsWith('/api/invites/lookup')) && requested.some((u) => u.endsWith('/api/invites/accept')));
  assert.deepEqual(errors, []);
});
