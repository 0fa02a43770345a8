// Issue 15's acceptance: the SPA's first load stays at or under 120 KB of gzip JavaScript (what a page does not
// need is lazy-loaded). Measured on the build the e2e tests run (npm test builds dist/ first).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FIRST_LOAD_JS_BUDGET_KB, firstLoadGzipKb } from '../../scripts/spa-size.mjs';

const WEB_ROOT = join(import.meta.dirname, '../../dist/web');

test(`the SPA's first load is at most ${FIRST_LOAD_JS_BUDGET_KB} KB of gzip JavaScript`, () => {
  assert.ok(existsSync(join(WEB_ROOT, 'index.html')), 'dist/web is built (npm test builds it; else run npm run build)');
  const size = firstLoadGzipKb(WEB_ROOT);
  assert.ok(
    size.files.some((f) => f.endsWith('.js')),
    'index.html names its scripts (a wrong pattern would measure nothing)',
  );
  assert.ok(size.js > 10, `${size.js.toFixed(1)} KB is too small to be the console: the measure is broken`);
  assert.ok(size.js <= FIRST_LOAD_JS_BUDGET_KB, `first-load JavaScript is ${size.js.toFixed(1)} KB gzip`);
});
