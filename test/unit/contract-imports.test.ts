// The API contract (server/contract/) is read by the SPA as well as the server: it may import only typebox,
// other contract files and the pure Frame rules in server/frame/, never Node, a service, Fastify or the DB.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const SPECIFIER = /(?:^|\n)\s*(?:import|export)\b[^'";]*?from\s+'([^']+)'|\bimport\(\s*'([^']+)'\s*\)/g;

/** What a file imports, each as a path from the repository root or a package name. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(SPECIFIER)]
    .map((m) => m[1] ?? m[2]!)
    .map((s) => (s.startsWith('.') ? relative(root, resolve(dirname(file), s)) : s));
}

function allowed(specifier: string): boolean {
  return specifier === 'typebox' || /^server\/(contract|frame)\/[\w-]+\.js$/.test(specifier);
}

test('contract files, and the frame files they reach, import only typebox, the contract and frame/', () => {
  const seen = new Set<string>();
  const queue = readdirSync(join(root, 'server/contract'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => `server/contract/${f}`);
  const strays: string[] = [];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const specifier of importsOf(join(root, file))) {
      if (!allowed(specifier)) strays.push(`${file} imports ${specifier}`);
      else if (specifier !== 'typebox') queue.push(specifier.replace(/\.js$/, '.ts'));
    }
  }
  assert.ok(seen.size > 20, `${seen.size} files read`);
  assert.deepEqual(strays, []);
});
