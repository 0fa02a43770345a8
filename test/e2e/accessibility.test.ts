// Issue 15's acceptance: axe-core on every page and dialog, in the light and the dark theme, finds no serious or
// critical violation (colour contrast included). "Every page and dialog" is the one list `npm run screenshots`
// photographs (scripts/screenshots/shots.mjs, on the demo data of scripts/screenshots/seed.mjs), so a page or
// dialog added there is checked here too; the test fails when a shot cannot be reached, not only when axe
// complains.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { OWNER, startTestConsole, type TestConsole } from '../helpers/console.js';
import { addSession, launchBrowser } from '../helpers/browser.js';
import { axeProblems } from '../helpers/axe.js';
import { seed } from '../../scripts/screenshots/seed.mjs';
import { SHOTS } from '../../scripts/screenshots/shots.mjs';

const THEMES = ['light', 'dark'] as const;

let app: TestConsole;
let browser: Browser;
let closeBrowser: () => Promise<void>;
let seeded: Awaited<ReturnType<typeof seed>>;

before(async () => {
  app = await startTestConsole();
  seeded = await seed(app.url, OWNER);
  ({ browser, close: closeBrowser } = await launchBrowser());
});
after(async () => {
  await closeBrowser?.();
  await app?.stop();
});

test('axe-core finds no serious or critical violation on any page or dialog, light and dark', async () => {
  const problems: string[] = [];
  let checked = 0;
  for (const colorScheme of THEMES) {
    const signedIn = await browser.newContext({ colorScheme, viewport: { width: 1440, height: 900 }, reducedMotion: 'reduce' });
    const signedOut = await browser.newContext({ colorScheme, viewport: { width: 1440, height: 900 }, reducedMotion: 'reduce' });
    await addSession(signedIn, { url: app.url, owner: seeded.session });
    for (const shot of SHOTS) {
      const page = await (shot.signedIn === false ? signedOut : signedIn).newPage();
      page.setDefaultTimeout(15_000);
      try {
        await page.goto(`${app.url}${shot.path(seeded)}`);
        await shot.prepare(page, seeded);
        for (const v of await axeProblems(page)) problems.push(`${shot.name} (${colorScheme}): ${v}`);
        checked++;
      } catch (err) {
        problems.push(`${shot.name} (${colorScheme}) could not be reached: ${(err as Error).message.split('\n')[0]}`);
      } finally {
        await page.close();
      }
    }
    await signedIn.close();
    await signedOut.close();
  }
  assert.deepEqual(problems, []);
  assert.equal(checked, SHOTS.length * THEMES.length);
  assert.ok(SHOTS.length >= 14, 'the list of pages and dialogs is found');
});
