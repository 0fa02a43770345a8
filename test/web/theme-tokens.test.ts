// Issue 15, defect 1's root cause: a colour token used by the CSS but defined in one theme only leaves that
// theme without the colour (the light theme had no --danger, so the Delete button was white on nothing).
// Every var(--x) used in web/src/styles.css or a .vue <style> block must be defined in the light :root block
// and in the dark @media (prefers-color-scheme: dark) :root block.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spaStyleSheets } from './spa-styles';

interface Block {
  prelude: string;
  body: string;
  children: Block[];
}

/** Splits CSS into nested blocks (prelude { body }), enough for rules and @media; comments and strings are dropped. */
function parse(css: string): Block[] {
  const text = css.replace(/\/\*[\s\S]*?\*\//g, '').replace(/'[^'\n]*'|"[^"\n]*"/g, '""');
  const root: Block = { prelude: '', body: '', children: [] };
  const stack: { block: Block; start: number }[] = [{ block: root, start: 0 }];
  let preludeStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{') {
      const prelude = text.slice(preludeStart, i).split(/[;}]/).pop()!.trim();
      const block: Block = { prelude, body: '', children: [] };
      stack.at(-1)!.block.children.push(block);
      stack.push({ block, start: i + 1 });
      preludeStart = i + 1;
    } else if (c === '}') {
      const top = stack.pop();
      if (!top || stack.length === 0) throw new Error(`unbalanced } at ${i}`);
      top.block.body = text.slice(top.start, i);
      preludeStart = i + 1;
    } else if (c === ';') preludeStart = i + 1;
  }
  if (stack.length !== 1) throw new Error('unbalanced {');
  return root.children;
}

/** The custom properties a block declares itself (not in nested blocks). */
function declared(block: Block): Set<string> {
  let own = block.body;
  for (const child of block.children) own = own.replace(`{${child.body}}`, '');
  return new Set([...own.matchAll(/(?:^|[;{\s])(--[\w-]+)\s*:/g)].map((m) => m[1]!));
}

/** The spacing, type, radius and size (layout) tokens are the same in both themes: the light :root block alone defines them. */
const THEME_FREE = /^--(space|text|radius|size)(-|$)/;

const isDark = (prelude: string) => /^@media\s*\(\s*prefers-color-scheme\s*:\s*dark\s*\)$/.test(prelude.replace(/\s+/g, ' '));

/** What each theme defines and every var(--x) the sheets use, by name with the files that use it. */
function themeGaps(sheets: { name: string; css: string }[]): { light: string[]; dark: string[]; darkBlocks: number } {
  const light = new Set<string>();
  const dark = new Set<string>();
  const used = new Map<string, string>();
  let darkBlocks = 0;
  for (const { name, css } of sheets) {
    for (const block of parse(css)) {
      if (block.prelude === ':root') for (const v of declared(block)) light.add(v);
      if (isDark(block.prelude))
        for (const inner of block.children.filter((b) => b.prelude === ':root')) {
          darkBlocks++;
          for (const v of declared(inner)) dark.add(v);
        }
    }
    for (const m of css.matchAll(/var\(\s*(--[\w-]+)/g)) if (!used.has(m[1]!)) used.set(m[1]!, name);
  }
  const missing = (theme: Set<string>, needed = (_: string) => true) =>
    [...used].filter(([v]) => needed(v) && !theme.has(v)).map(([v, file]) => `${v} (used in ${file})`);
  return { light: missing(light), dark: missing(dark, (v) => !THEME_FREE.test(v)), darkBlocks };
}

test('the checker finds a token the light theme lacks and one the dark theme lacks', () => {
  const css = `:root { --fg: #000; --danger: red; }
    @media (prefers-color-scheme: dark) { :root { --fg: #fff; --ok: lime; } }
    button.danger { background: var(--danger); color: var( --fg ); }
    .ok { color: var(--ok, green); }`;
  assert.deepEqual(themeGaps([{ name: 'x.css', css }]), {
    light: ['--ok (used in x.css)'],
    dark: ['--danger (used in x.css)'],
    darkBlocks: 1,
  });
});

test('a spacing, type or radius token needs the light :root block only; a colour needs both themes', () => {
  const css = `:root { --space-2: 0.5rem; --accent: blue; } @media (prefers-color-scheme: dark) { :root { } }
    .a { margin: var(--space-2); color: var(--accent); padding: var(--space-9); }`;
  assert.deepEqual(themeGaps([{ name: 'x.css', css }]), {
    light: ['--space-9 (used in x.css)'],
    dark: ['--accent (used in x.css)'],
    darkBlocks: 1,
  });
});

test('every var(--x) used in the SPA is defined in both the light and the dark theme', () => {
  const all = spaStyleSheets();
  assert.ok(
    all.some((s) => s.name === 'styles.css' && s.css.includes('var(--')),
    'styles.css is found (a wrong path would make this pass)',
  );
  const gaps = themeGaps(all);
  assert.ok(gaps.darkBlocks >= 1, 'the dark theme block is found');
  assert.deepEqual(gaps.light, [], 'tokens missing from the light :root block');
  assert.deepEqual(gaps.dark, [], 'tokens missing from the dark @media (prefers-color-scheme: dark) :root block');
});
