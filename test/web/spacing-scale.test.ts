// Issue 15: one spacing and type scale. A margin, padding, gap or font size in web/src/styles.css or a .vue
// <style> block is a scale token (var(--space-N), var(--text-x)), 0, a 1px hairline, or built from tokens
// (calc); a raw rem/px/em value there fails this test. The few raw values that are right are in ALLOWED, each
// with its reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spaStyleSheets } from './spa-styles';

/** `file: declaration` pairs that may keep a raw value. */
const ALLOWED: Record<string, string> = {
  // The root size the rem-based scale is built on.
  'styles.css: font-size: 15px': 'base size',
};

const PROPERTY = /(?:^|[;{\s])((?:margin|padding)(?:-[a-z-]+)?|gap|row-gap|column-gap|font-size)\s*:\s*([^;{}]+)/g;
const LENGTH = /(-?)(\d*\.?\d+)(rem|px|em)\b/g;

/** The declarations of a sheet that use a raw length off the scale, as "property: value". */
function offScale(css: string): string[] {
  const text = css.replace(/\/\*[\s\S]*?\*\//g, '');
  const found: string[] = [];
  for (const [, property, raw] of text.matchAll(PROPERTY)) {
    const value = raw!.trim();
    const bad = [...value.matchAll(LENGTH)].some(([, , n, unit]) => Number(n) !== 0 && !(unit === 'px' && Number(n) === 1));
    if (bad) found.push(`${property}: ${value}`);
  }
  return found;
}

test('the checker flags raw rem, px and em values and lets tokens, 0, hairlines and calc of tokens pass', () => {
  const css = `/* padding: 3px in a comment */
    .a { margin: 0 var(--space-2); padding: 0.45rem 0.5rem; gap: 1px; font-size: 0.8rem; }
    .b { margin-top: calc(-1 * var(--space-1)); padding-left: 12px; row-gap: var(--space-3); font-size: 0.7em; }
    .c { border: 2px solid red; width: 13rem; margin: -1px; column-gap: 0px; }`;
  assert.deepEqual(offScale(css), ['padding: 0.45rem 0.5rem', 'font-size: 0.8rem', 'padding-left: 12px', 'font-size: 0.7em']);
});

test('margins, paddings, gaps and font sizes in the SPA use the spacing and type scale', () => {
  const all = spaStyleSheets();
  assert.ok(
    all.some((s) => s.name === 'styles.css' && s.css.includes('var(--space-')),
    'styles.css is found (a wrong path would make this pass)',
  );
  const raw = all.flatMap(({ name, css }) => offScale(css).flatMap((d) => (`${name}: ${d}` in ALLOWED ? [] : [`${name}: ${d}`])));
  assert.deepEqual(raw, [], 'raw lengths off the scale (use var(--space-N) / var(--text-x))');
});
