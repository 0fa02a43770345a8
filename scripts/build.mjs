// `npm run build`: Prisma client, server (tsc → dist/server), SPA (vite → dist/web).
// With --if-needed it does nothing when dist is newer than every source file, so `npm start` stays fast.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = process.cwd();
const stamp = join(root, 'dist', '.build-stamp');
const SOURCES = ['server', 'web', 'prisma', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];
const SKIP = new Set(['node_modules', 'generated', 'dist']);

function newest(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const entry of readdirSync(path)) if (!SKIP.has(entry)) max = Math.max(max, newest(join(path, entry)));
  return max;
}

function run(label, cmd, args, env = {}) {
  const started = Date.now();
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) {
    console.error(`build: ${label} failed`);
    process.exit(r.status ?? 1);
  }
  console.log(`build: ${label} (${Date.now() - started} ms)`);
}

if (process.argv.includes('--if-needed') && existsSync(stamp)) {
  const built = statSync(stamp).mtimeMs;
  if (SOURCES.every((s) => newest(join(root, s)) <= built)) process.exit(0);
}

const bin = (name) => join(root, 'node_modules', '.bin', name);
// Prisma's generate runs on WASM; it only insists that a schema engine path exists (see DEVELOPERS notes).
run('prisma generate', bin('prisma'), ['generate'], { PRISMA_SCHEMA_ENGINE_BINARY: join(root, 'package.json'), PRISMA_HIDE_UPDATE_MESSAGE: '1' });
run('server (tsc)', bin('tsc'), ['-p', 'tsconfig.build.json']);
run('web (vite)', bin('vite'), ['build', '--config', 'web/vite.config.ts', '--logLevel', 'warn']);
writeFileSync(stamp, new Date().toISOString());
