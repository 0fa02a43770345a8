// Every style sheet of the SPA as CSS text: web/src's .css files and the <style> blocks of its .vue files, named
// by their path under web/src. Read by the theme-token and spacing-scale tests.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export const SPA_ROOT = join(import.meta.dirname, '../../web/src');

export function spaStyleSheets(): { name: string; css: string }[] {
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? files(join(dir, e.name)) : /\.(css|vue)$/.test(e.name) ? [join(dir, e.name)] : [],
    );
  return files(SPA_ROOT).map((file) => {
    const text = readFileSync(file, 'utf8');
    const css = file.endsWith('.vue') ? [...text.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/g)].map((m) => m[1]).join('\n') : text;
    return { name: relative(SPA_ROOT, file).replaceAll('\\', '/'), css };
  });
}
