// What `npm run screenshots` photographs: the variants (viewport and colour scheme) and, for each page or
// dialog, how to reach it and what shows that it is ready. Selectors go by role, label and the demo data's
// own words (seed.mjs), not by CSS, so a redesign keeps them working; a shot that cannot be reached is
// reported by name and the others are still taken.
/* global document -- the functions given to page.evaluate run in the browser */

/**
 * @typedef {import('playwright-core').Page} Page
 * @typedef {import('./seed.mjs').Seeded} Seeded
 * @typedef {{ name: string, viewport: { width: number, height: number }, colorScheme: 'light' | 'dark', isMobile: boolean }} Variant
 */

/**
 * Each shot goes to its page, then `prepare` brings it to the state photographed; what it returns is a note
 * printed beside the file (something a designer should know, e.g. an action that had to be reached another way).
 * @typedef {{
 *   name: string,
 *   path: (seed: Seeded) => string,
 *   signedIn?: boolean,
 *   prepare: (page: Page, seed: Seeded) => Promise<string | void>,
 * }} Shot
 */

/** @type {readonly Variant[]} */
export const VARIANTS = [
  { name: 'light', viewport: { width: 1440, height: 900 }, colorScheme: 'light', isMobile: false },
  { name: 'dark', viewport: { width: 1440, height: 900 }, colorScheme: 'dark', isMobile: false },
  { name: 'phone', viewport: { width: 390, height: 844 }, colorScheme: 'light', isMobile: true },
];

/** @param {Page} page @param {string | RegExp} text */
const see = (page, text) => page.getByText(text).first().waitFor();

/** @param {Page} page @param {RegExp} name */
async function openDialog(page, name) {
  const note = await press(page.getByRole('button', { name }).first(), `the button ${name}`);
  await page.getByRole('dialog').first().waitFor();
  return note;
}

/**
 * Clicks, or, when a click cannot reach the element (something covers it, as at 390 px today), focuses it and
 * presses Enter, so the shot is still taken; the note then says what was in the way.
 * @param {import('playwright-core').Locator} target @param {string} what
 * @returns {Promise<string | undefined>}
 */
async function press(target, what) {
  try {
    await target.click({ timeout: 3000 });
    return undefined;
  } catch (err) {
    await target.focus();
    await target.press('Enter');
    return `${what} cannot be clicked (${blocker(err)}); used the keyboard`;
  }
}

/**
 * Opens a row's actions menu and picks an item (the row menu may become another widget: any button whose
 * name starts with "Actions for" the row).
 * @param {Page} page @param {string} row @param {RegExp} item
 * @returns {Promise<string | void>}
 */
async function rowAction(page, row, item) {
  const escaped = row.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const notes = [
    await press(page.getByRole('button', { name: new RegExp(`^Actions for ${escaped}`) }), `"Actions for ${row}"`),
    await press(page.getByRole('menuitem', { name: item }), `menu item ${item}`),
  ];
  await page.getByRole('dialog').first().waitFor();
  return notes.filter(Boolean).join('; ') || undefined;
}

/**
 * What Playwright says stopped a click: the element that intercepts it, else its first line.
 * @param {unknown} err
 */
export function blocker(err) {
  // Playwright colours its call log.
  const lines = (err instanceof Error ? err.message : String(err)).replace(/\u001b\[[0-9;]*m/g, '').split('\n');
  const covered = lines.findLast((l) => l.includes('intercepts pointer events'));
  if (covered)
    return covered
      .trim()
      .replace(/^- /, '')
      .replace(/ title="[^"]*"/, '');
  const waiting = lines.find((l) => l.includes('waiting for '));
  return [lines[0], waiting?.trim().replace(/^- /, '')].filter(Boolean).join(': ');
}

/**
 * Mints one token in the Playground through its form, so the shot shows a result, not an empty form.
 * @param {Page} page
 */
async function mintInPlayground(page) {
  const generate = page.getByRole('button', { name: /generate token/i });
  await generate.waitFor();
  const fields = [
    [/^first name/i, 'Ada'],
    [/^last name/i, 'Lovelace'],
    [/^email(?! domain)/i, 'ada@example.com'],
  ];
  // Best effort: a redesigned form may name its fields differently; the mint itself is what matters.
  for (const [label, value] of /** @type {Array<[RegExp, string]>} */ (fields)) {
    await page
      .getByLabel(label)
      .first()
      .fill(value, { timeout: 1000 })
      .catch(() => undefined);
  }
  const note = await press(generate, 'Generate token');
  // The token is on the page once a JWT (eyJ...) shows, in a field or as text.
  await page.waitForFunction(() => {
    const fields = [...document.querySelectorAll('input, textarea')].map((e) => /** @type {HTMLInputElement} */ (e).value);
    return [document.body.innerText, ...fields].some((t) => /eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/.test(t));
  });
  return note;
}

/** @type {readonly Shot[]} */
export const SHOTS = [
  {
    name: 'sign-in',
    path: () => '/providers',
    signedIn: false,
    prepare: (page) => page.getByRole('button', { name: /sign in/i }).waitFor(),
  },
  {
    // Reloaded after the session ended: the server says so (its cookie opens no session); answered here for
    // this page only, so the shared signed-out browser keeps no dead cookie.
    name: 'sign-in-session-ended',
    path: () => '/audit',
    signedIn: false,
    prepare: async (page) => {
      await page.route('**/api/session', (route) =>
        route.fulfill({
          status: 200,
          contentType: 'application/json',
          body: JSON.stringify({ signedIn: false, needsSetup: false, sessionEnded: true }),
        }),
      );
      await page.reload();
      await see(page, /your session ended/i);
    },
  },
  {
    name: 'invite',
    path: (s) => `/invite#${s.inviteToken}`,
    signedIn: false,
    prepare: (page) => see(page, 'alex.chen@example.com'),
  },
  {
    name: 'reset-password',
    path: (s) => `/reset-password#${s.resetToken}`,
    signedIn: false,
    prepare: (page) => see(page, 'sam.rivera@example.com'),
  },
  { name: 'providers', path: () => '/providers', prepare: (page) => see(page, 'Lobby kiosks') },
  {
    name: 'providers-add',
    path: () => '/providers',
    prepare: async (page) => {
      await see(page, 'Lobby kiosks');
      return openDialog(page, /^add provider/i);
    },
  },
  {
    name: 'providers-edit',
    path: () => '/providers',
    prepare: async (page) => {
      await see(page, 'Lobby kiosks');
      return rowAction(page, 'Lobby kiosks', /^edit/i);
    },
  },
  {
    name: 'providers-delete',
    path: () => '/providers',
    prepare: async (page) => {
      await see(page, 'Lobby kiosks');
      return rowAction(page, 'Lobby kiosks', /^delete/i);
    },
  },
  {
    name: 'playground',
    path: (s) => `/providers/${s.providers.lobby}/playground`,
    prepare: mintInPlayground,
  },
  { name: 'credentials', path: () => '/credentials', prepare: (page, s) => see(page, s.credentialName) },
  {
    name: 'credentials-add',
    path: () => '/credentials',
    prepare: async (page, s) => {
      await see(page, s.credentialName);
      return openDialog(page, /^add credential set/i);
    },
  },
  {
    name: 'credentials-delete',
    path: () => '/credentials',
    prepare: async (page, s) => {
      await see(page, s.credentialName);
      return rowAction(page, s.credentialName, /^delete/i);
    },
  },
  {
    name: 'credentials-secret',
    path: () => '/credentials',
    prepare: async (page, s) => {
      await see(page, s.credentialName);
      return rowAction(page, s.credentialName, /^replace secret/i);
    },
  },
  {
    name: 'credentials-verify',
    path: () => '/credentials',
    prepare: async (page, s) => {
      await see(page, s.credentialName);
      const notes = [
        await rowAction(page, s.credentialName, /^verify/i),
        await press(page.getByRole('dialog').getByRole('button', { name: /^verify/i }), "the dialog's Verify button"),
      ];
      // The result's headline ("Signature accepted"), not the dialog's explanation that mentions signatures.
      await page
        .getByRole('dialog')
        .getByText(/^\s*signature \w+/i)
        .first()
        .waitFor();
      return notes.filter(Boolean).join('; ') || undefined;
    },
  },
  { name: 'users', path: () => '/users', prepare: (page) => see(page, 'sam.rivera@example.com') },
  {
    name: 'users-invite',
    path: () => '/users',
    prepare: async (page) => {
      await see(page, 'sam.rivera@example.com');
      return openDialog(page, /^invite/i);
    },
  },
  {
    name: 'users-role',
    path: () => '/users',
    prepare: async (page) => {
      await see(page, 'sam.rivera@example.com');
      await page.getByLabel('Role of sam.rivera@example.com').selectOption('viewer');
      await page.getByRole('dialog').first().waitFor();
    },
  },
  {
    name: 'users-grants',
    path: () => '/users',
    prepare: async (page) => {
      await see(page, 'sam.rivera@example.com');
      return openDialog(page, /^change$/i);
    },
  },
  {
    name: 'users-disable',
    path: () => '/users',
    prepare: async (page) => {
      await see(page, 'sam.rivera@example.com');
      return openDialog(page, /^disable$/i);
    },
  },
  {
    name: 'account-password',
    path: () => '/providers',
    prepare: async (page) => {
      await see(page, 'Lobby kiosks');
      await press(page.getByRole('button', { name: /^account /i }), 'the account menu');
      await press(page.getByRole('menuitem', { name: /change password/i }), 'Change password');
      await page.getByRole('dialog').first().waitFor();
    },
  },
  {
    name: 'users-reissue',
    path: () => '/users',
    prepare: async (page) => {
      await see(page, 'alex.chen@example.com');
      return openDialog(page, /^re-issue the invitation of alex/i);
    },
  },
  {
    name: 'users-reset-link',
    path: () => '/users',
    prepare: async (page) => {
      await see(page, 'sam.rivera@example.com');
      return rowAction(page, 'sam.rivera@example.com', /password-reset link/i);
    },
  },
  {
    // The session ends as the invitation is sent: this page's API calls answer 401 (the shared session stays
    // alive for the other shots), so the dialog shows over the filled-in form.
    name: 'session-ended',
    path: () => '/users',
    prepare: async (page) => {
      await see(page, 'sam.rivera@example.com');
      const note = await openDialog(page, /^invite/i);
      await page
        .getByRole('dialog')
        .getByLabel(/^email/i)
        .fill('new.hire@example.com');
      await page.route('**/api/**', (route) =>
        route.fulfill({
          status: 401,
          contentType: 'application/json',
          body: JSON.stringify({ statusCode: 401, error: 'auth/required', message: 'Sign in to continue (no session, or it expired).' }),
        }),
      );
      await press(page.getByRole('button', { name: /create invitation/i }), 'Create invitation');
      await page.getByRole('dialog', { name: /session ended/i }).waitFor();
      return note;
    },
  },
  { name: 'api-keys', path: () => '/api-keys', prepare: (page) => see(page, 'CI pipeline') },
  {
    name: 'api-keys-add',
    path: () => '/api-keys',
    prepare: async (page) => {
      await see(page, 'CI pipeline');
      return openDialog(page, /^create api key/i);
    },
  },
  {
    name: 'api-keys-revoke',
    path: () => '/api-keys',
    prepare: async (page) => {
      await see(page, 'CI pipeline');
      return openDialog(page, /^revoke/i);
    },
  },
  { name: 'audit', path: () => '/audit', prepare: (page) => see(page, /token\.mint|minted/i) },
  {
    name: 'audit-expanded',
    path: () => '/audit',
    prepare: async (page) => {
      // The seeded bulk job's group row opened, and the first of its rows opened to its details.
      await see(page, /^Bulk mint: /);
      const notes = [await press(page.getByRole('button', { name: /^Rows of the bulk job/ }).first(), 'the bulk group toggle')];
      await see(page, /rows of job/);
      notes.push(await press(page.getByRole('button', { name: /^Details of token\.minted/ }).first(), 'a row details toggle'));
      await see(page, 'params');
      return notes.filter(Boolean).join('; ') || undefined;
    },
  },
  { name: 'bulk-jobs', path: () => '/bulk-jobs', prepare: (page) => see(page, /^Download CSV/) },
  {
    name: 'transfer',
    path: () => '/transfer',
    prepare: (page) =>
      page
        .getByRole('button', { name: /export/i })
        .first()
        .waitFor(),
  },
];
