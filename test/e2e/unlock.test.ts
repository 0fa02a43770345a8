// F5 in a real browser: a stranger's failed sign-ins lock an account for new browsers; the owner sees the
// user as locked in the Users page and unlocks them there; the user's browser that signed in before was
// never kept out; and the sign-in page says what to do when locked.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { OWNER, addUser, startTestConsole, type TestConsole } from '../helpers/console.js';
import { launchBrowser, signInThroughPage, watchErrors } from '../helpers/browser.js';
import { http } from '../helpers/http.js';

let app: TestConsole | undefined;
let closeBrowser: (() => Promise<void>) | undefined;
after(async () => {
  await closeBrowser?.();
  await app?.stop();
});

test('a locked user is shown as locked with Unlock; their trusted browser signs in all along; the owner unlocks them', async () => {
  app = await startTestConsole({ TRUST_PROXY: 'true', SEED_DEMO: 'false' });
  const user = await addUser(app, 'support');
  const { browser, close } = await launchBrowser();
  closeBrowser = close;

  // The user's own browser signs in once (and out): it is trusted from now on.
  const userContext = await browser.newContext();
  const userPage = await userContext.newPage();
  const userErrors = watchErrors(userPage, { allow4xx: true });
  await userPage.goto(app.url);
  await signInThroughPage(userPage, user.email, user.password);
  await userContext.clearCookies({ name: 'sat_session' });

  // A stranger fails 12 times from 12 addresses.
  for (let i = 0; i < 12; i++)
    await http(
      'POST',
      `${app.url}/api/session`,
      { email: user.email, password: `guess ${i}` },
      { cookie: '', 'x-forwarded-for': `203.0.113.${i + 1}` },
    );

  // A browser never used with the account is refused, and told what still works.
  const strangerPage = await (await browser.newContext()).newPage();
  const strangerErrors = watchErrors(strangerPage, { allow4xx: true });
  await strangerPage.goto(app.url);
  await strangerPage.getByLabel('Email').fill(user.email);
  await strangerPage.getByLabel('Password').fill(user.password);
  await strangerPage.getByRole('button', { name: 'Sign in' }).click();
  await strangerPage.getByRole('alert').filter({ hasText: 'A browser you signed in with before still works' }).waitFor();

  // The user's trusted browser is let in all the same.
  await userPage.goto(app.url);
  await signInThroughPage(userPage, user.email, user.password);

  // The owner sees the lock and ends it.
  const ownerPage = await (await browser.newContext()).newPage();
  const ownerErrors = watchErrors(ownerPage);
  await ownerPage.goto(app.url);
  await signInThroughPage(ownerPage, OWNER.email, OWNER.password);
  await ownerPage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
  const row = ownerPage.getByRole('row').filter({ hasText: user.email });
  await row.getByText(/^locked until /).waitFor();
  await row.getByRole('button', { name: `Unlock ${user.email}` }).click();
  await ownerPage.getByText(`Unlocked ${user.email}: every browser may sign in again.`).waitFor();
  await row.getByText('active', { exact: true }).waitFor();
  assert.equal(await row.getByRole('button', { name: `Unlock ${user.email}` }).count(), 0);

  // The refused browser signs in now (the page emptied the password after the refusal).
  await strangerPage.getByLabel('Password').fill(user.password);
  await strangerPage.getByRole('button', { name: 'Sign in' }).click();
  await strangerPage.getByRole('navigation', { name: 'Main' }).waitFor();
  assert.deepEqual([...userErrors, ...strangerErrors, ...ownerErrors], []);
});
