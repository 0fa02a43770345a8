// `npm run screenshots`: every page and main dialog of the console in light, dark and phone width, as PNGs in
// one folder (docs/screenshots/ by default), so anyone can look at the whole console in a minute.
// It builds when sources changed, starts the built console (dist/console.js) on a free loopback port with a
// fresh data directory and an owner from SAT_OWNER_EMAIL/PASSWORD, seeds demo data through the API
// (screenshots/seed.mjs), photographs each shot (screenshots/shots.mjs) with Debian's Chromium through
// playwright-core, and stops the console at the end, also when something failed.
// Every shot is the full page, wider or longer than the viewport when the page is (at 390 px that shows
// what scrolls sideways).
/* global document -- the functions given to page.evaluate run in the browser */
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { parseArgs, selected, USAGE } from './screenshots/args.mjs';
import { seed } from './screenshots/seed.mjs';
import { blocker, SHOTS, VARIANTS } from './screenshots/shots.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const STEP_TIMEOUT_MS = 15_000;
const QUIET_MS = 300;
const SETTLE_MAX_MS = 5_000;

/** @type {import('./screenshots/args.mjs').ScreenshotArgs} */
let args;
try {
  args = parseArgs(
    process.argv.slice(2),
    VARIANTS.map((v) => v.name),
  );
} catch (err) {
  console.error(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
  process.exit(2);
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
const shots = SHOTS.filter((s) => selected(s.name, args.only));
if (shots.length === 0) {
  console.error(`no shot matches --only ${args.only.join(',')}; there are: ${SHOTS.map((s) => s.name).join(', ')}`);
  process.exit(2);
}
const variants = VARIANTS.filter((v) => args.variants.includes(v.name));

const root = resolve(import.meta.dirname, '..');
const started = performance.now();
const build = spawnSync(process.execPath, ['scripts/build.mjs', '--if-needed'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const out = resolve(args.out);
mkdirSync(out, { recursive: true });
const dataDir = mkdtempSync(join(tmpdir(), 'sat-screenshots-'));
const owner = { email: 'owner@example.com', password: `shots-${randomUUID()}` };
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
// The console runs with the environment `npm start` gives it.
const { CONSOLE_RUNTIME_ENV } = await import(new URL('../dist/server/runtime-env.js', import.meta.url).href);
const consoleProc = spawn(process.execPath, ['dist/console.js'], {
  cwd: root,
  env: {
    ...process.env,
    ...CONSOLE_RUNTIME_ENV,
    HOST: '127.0.0.1',
    PORT: String(port),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    SEED_DEMO: 'false',
    SAT_OWNER_EMAIL: owner.email,
    SAT_OWNER_PASSWORD: owner.password,
  },
  stdio: ['ignore', 'ignore', 'pipe'],
});
let consoleErr = '';
consoleProc.stderr?.on('data', (/** @type {Buffer} */ chunk) => (consoleErr += chunk.toString()));
const running = () => consoleProc.exitCode === null && consoleProc.signalCode === null;
const exited = new Promise((r) => consoleProc.once('exit', r));
/** Stops the console and removes its data directory once it has exited (so it writes nothing after). */
async function stopConsole() {
  if (running()) consoleProc.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000).unref())]);
  if (running()) consoleProc.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
}
// Ctrl-C or an uncaught error: no time to wait, but the console must not outlive the script.
process.on('exit', () => {
  if (running()) consoleProc.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) process.on(signal, () => process.exit(130));

/** @type {string[]} */
const written = [];
/** @type {string[]} */
const failed = [];
/** @type {string[]} */
const notes = [];
/** @type {import('playwright-core').Browser | undefined} */
let browser;
try {
  await waitUntilReady();
  const seeded = await seed(base, owner);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const eq = seeded.session.cookie.indexOf('=');
  const cookie = { name: seeded.session.cookie.slice(0, eq), value: seeded.session.cookie.slice(eq + 1), url: base };
  for (const variant of variants) {
    const { viewport, colorScheme, isMobile } = variant;
    const contexts = {
      in: await browser.newContext({ viewport, colorScheme, isMobile, hasTouch: isMobile, reducedMotion: 'reduce' }),
      out: await browser.newContext({ viewport, colorScheme, isMobile, hasTouch: isMobile, reducedMotion: 'reduce' }),
    };
    await contexts.in.addCookies([cookie]);
    for (const shot of shots) {
      const file = join(out, `${shot.name}-${variant.name}.png`);
      const page = await contexts[shot.signedIn === false ? 'out' : 'in'].newPage();
      page.setDefaultTimeout(STEP_TIMEOUT_MS);
      const settled = trackRequests(page);
      try {
        await page.goto(`${base}${shot.path(seeded)}`);
        const note = await shot.prepare(page, seeded);
        await settled();
        await page.evaluate(() => document.fonts.ready);
        await page.screenshot({ path: file, fullPage: true, animations: 'disabled', caret: 'hide' });
        written.push(file);
        console.log(relative(process.cwd(), file));
        if (note) notes.push(`${shot.name}-${variant.name}: ${note}`);
      } catch (err) {
        const reason = blocker(err);
        failed.push(`${shot.name}-${variant.name}: ${reason}`);
        console.error(`FAILED ${shot.name}-${variant.name}: ${reason}`);
      } finally {
        await page.close();
      }
    }
    await contexts.in.close();
    await contexts.out.close();
  }
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  if (consoleErr) console.error(`console stderr:\n${consoleErr}`);
  process.exitCode = 1;
} finally {
  await browser?.close();
  await stopConsole();
}
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(`\n${written.length} screenshots in ${relative(process.cwd(), out) || '.'} (${seconds} s)`);
if (notes.length) console.log(`\nNotes:\n  ${notes.join('\n  ')}`);
if (failed.length) {
  console.error(`${failed.length} could not be taken:\n  ${failed.join('\n  ')}`);
  process.exitCode = 1;
}

/**
 * Counts a page's requests in flight; the function returned resolves once none has been for QUIET_MS (at
 * most SETTLE_MAX_MS), so what a page loads after its first data (a signature check after a mint, a lazy
 * panel) is in the picture. A screenshot, unlike a test, has no assertion to wait on for those.
 * @param {import('playwright-core').Page} page
 */
function trackRequests(page) {
  let inFlight = 0;
  let last = performance.now();
  const done = () => {
    inFlight = Math.max(0, inFlight - 1);
    last = performance.now();
  };
  page.on('request', () => {
    inFlight++;
    last = performance.now();
  });
  page.on('requestfinished', done);
  page.on('requestfailed', done);
  return async () => {
    const until = performance.now() + SETTLE_MAX_MS;
    while (performance.now() < until && (inFlight > 0 || performance.now() - last < QUIET_MS)) {
      await new Promise((r) => setTimeout(r, 25)); // polls the counters above
    }
  };
}

/** A port the kernel just gave out on loopback (closed again for the console to take). */
async function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitUntilReady() {
  for (let i = 0; i < 600; i++) {
    if (consoleProc.exitCode !== null) throw new Error(`the console exited with ${consoleProc.exitCode}`);
    const up = await fetch(`${base}/api/ready`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (up) return;
    await new Promise((r) => setTimeout(r, 50)); // the console is still starting: ask /api/ready again
  }
  throw new Error('the console did not become ready within 30 s');
}
