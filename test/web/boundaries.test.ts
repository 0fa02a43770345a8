// The SPA's API boundary, read from its sources: only web/src/api/ knows the console API's URLs, only its
// client calls fetch, and the contract is imported for its types only, so TypeBox's runtime (the schemas) never
// reaches the browser bundle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(import.meta.dirname, '../../web/src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.(ts|vue)$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}
const FILES = sources(ROOT).map((file) => ({ name: relative(ROOT, file).replaceAll('\\', '/'), text: readFileSync(file, 'utf8') }));
const outside = (prefix: string) => FILES.filter((f) => !f.name.startsWith(prefix));

test('the sources are found (a wrong path would make every check below pass)', () => {
  assert.ok(FILES.some((f) => f.name === 'api/client.ts'));
  assert.ok(FILES.filter((f) => f.name.endsWith('.vue')).length > 20);
});

/** The text without its module specifiers: '../api/client' is an import, not a URL. */
const withoutSpecifiers = (text: string) => text.replace(/\bfrom\s*'[^']*'/g, '').replace(/\bimport\s*\(\s*'[^']*'\s*\)/g, '');

test("no file outside web/src/api/ contains '/api/': URLs are built by the resource modules", () => {
  assert.deepEqual(
    outside('api/')
      .filter((f) => withoutSpecifiers(f.text).includes('/api/'))
      .map((f) => f.name),
    [],
  );
  const sample = "import { x } from '../api/client';\nconst u = `/api/providers`;";
  assert.ok(withoutSpecifiers(sample).includes('/api/'), 'the check still sees a URL');
});

test('only web/src/api/client.ts calls fetch, and only the resource modules use its call()', () => {
  assert.deepEqual(
    FILES.filter((f) => f.name !== 'api/client.ts' && /\bfetch\s*\(/.test(f.text)).map((f) => f.name),
    [],
  );
  const importsCall = /import\s*\{[^}]*\bcall\b[^}]*\}\s*from\s*'[./]*(?:api\/)?client'/;
  assert.deepEqual(
    outside('api/')
      .filter((f) => importsCall.test(f.text))
      .map((f) => f.name),
    [],
  );
});

test('the contract and TypeBox are imported with `import type` only', () => {
  const valueImport = /^\s*import\s+(?!type\b)[^;]*?from\s*'(@server\/contract\/[^']+|typebox[^']*)'/gm;
  const found = FILES.flatMap((f) => [...f.text.matchAll(valueImport)].map((m) => `${f.name}: ${m[1]}`));
  assert.deepEqual(found, []);
});
