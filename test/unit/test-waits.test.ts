// No test sleeps to get past a clock (issue 14): every timer in test/ is a wait for something real (a child
// process, a socket, a running job) and says so in a comment on its line or the line above. Time that has to
// pass is an injected clock moved by the test; a wait that can be an event is one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PROJECT_ROOT } from '../../server/paths.js';

const TEST_ROOT = join(PROJECT_ROOT, 'test');
const TIMER = /setTimeout|setInterval|sleep\(/; // the acceptance grep, plus setInterval
const FORBIDDEN = /waitForTimeout\(/; // Playwright's fixed sleep: wait for what the page shows instead
/** node:test's mock timers: naming the APIs it fakes is the opposite of waiting on them. */
const MOCKED = /mock\.timers\./;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|mjs|js)$/.test(name) ? [path] : [];
  });
}

/** A comment at the end of the line, or a comment line right above it. */
const commented = (line: string, above: string | undefined) => /\s\/\/\s|\/\*/.test(line) || /^\s*(\/\/|\/\*|\*)/.test(above ?? '');

test('every timer in test/ carries a comment saying what real thing it waits for', () => {
  const bare: string[] = [];
  for (const file of sources(TEST_ROOT)) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      const where = `${relative(PROJECT_ROOT, file)}:${i + 1}: ${line.trim()}`;
      if (FORBIDDEN.test(line)) bare.push(`${where} (never a fixed sleep)`);
      else if (TIMER.test(line) && !MOCKED.test(line) && !commented(line, lines[i - 1])) bare.push(where);
    });
  }
  assert.deepEqual(bare, [], 'wait for an event or move an injected clock; a wait for a real process gets a comment saying so');
});
