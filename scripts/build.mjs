// `npm run build`: Prisma client, server (tsc → dist/server), the console's production bundle
// (esbuild → dist/console.js), SPA (vite → dist/web).
// With --if-needed it does nothing when dist is newer than every source file, so `npm start` stays fast.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = process.cwd();
const stamp = join(root, 'dist', '.build-stamp');
const SOURCES = ['server', 'web', 'prisma', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];
const SKIP = new Set(['node_modules', 'generated', 'dist']);

/** @param {string} path @returns {number} */
function newest(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const entry of readdirSync(path)) if (!SKIP.has(entry)) max = Math.max(max, newest(join(path, entry)));
  return max;
}

/**
 * `npm start` and the container run dist/console.js: the console (dist/server/main.js and everything it
 * imports) as one ES module. Node loads ~1,800 small module files otherwise (typebox alone has 709), which
 * costs about 400 ms and 25 MB at every start. Left outside: native addons, packages that read their own
 * files next to their code (WebAssembly), and Prisma's base64 query compiler, imported only when the client
 * first connects. Swagger UI is bundled and told where its assets are (server/app.ts).
 */
const CONSOLE_EXTERNALS = [
  'better-sqlite3',
  '@node-rs/argon2',
  '@prisma/schema-engine-wasm',
  '@prisma/schema-engine-wasm/*',
  '@prisma/client/runtime/*.wasm-base64.mjs',
  // Imported on the first upstream call (server/upstream/client.ts): outside, its 1 MB is neither parsed
  // nor held in memory by a console that has not minted yet.
  'undici',
];

function bundleConsole() {
  const started = Date.now();
  const r = spawnSync(
    bin('esbuild'),
    [
      'dist/server/main.js',
      '--bundle',
      '--platform=node',
      '--format=esm',
      '--target=node20',
      '--outfile=dist/console.js',
      '--log-level=warning',
      // Without comments and spacing the source V8 keeps in memory is 2.9 MB instead of 8 MB (comments
      // with non-ASCII characters turn the whole source into a two-byte string). Identifiers are not
      // minified, so function and class names stay as written (--keep-names would wrap every closure
      // in a runtime call: measured, it halves the provider list's throughput). Licences go to
      // dist/console.js.LEGAL.txt.
      '--minify-whitespace',
      '--minify-syntax',
      '--charset=ascii',
      '--legal-comments=external',
      // CommonJS packages inside an ES module bundle still call require() for Node's built-ins.
      "--banner:js=import { createRequire as __consoleRequire } from 'node:module'; const require = __consoleRequire(import.meta.url);",
      ...CONSOLE_EXTERNALS.map((name) => `--external:${name}`),
    ],
    { stdio: 'inherit' },
  );
  if (r.status !== 0) {
    console.error('build: console bundle (esbuild) failed');
    process.exit(r.status ?? 1);
  }
  console.log(`build: console bundle (esbuild) (${Date.now() - started} ms)`);
}

/**
 * @param {string} label
 * @param {string} cmd
 * @param {string[]} args
 * @param {Record<string, string>} [env]
 */
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

const bin = (/** @type {string} */ name) => join(root, 'node_modules', '.bin', name);

/**
 * One Prisma client per backend from the shared models (prisma/models.prisma) and the backend's datasource
 * (prisma/<backend>/datasource.prisma), into server/db/generated/<backend>. The generator block is the
 * build's: it says where the client goes. Prisma's generate runs on WASM; it only insists that a schema
 * engine path exists (see DEVELOPERS notes).
 * @param {'sqlite' | 'postgresql'} backend
 */
function generateClient(backend) {
  const dir = join(root, 'server', 'db', 'generated', 'schema', backend);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'generator.prisma'),
    `generator client {
  provider            = "prisma-client"
  output              = "../../${backend}"
  moduleFormat        = "esm"
  importFileExtension = "js"
  runtime             = "nodejs"
  compilerBuild       = "small"
}
`,
  );
  copyFileSync(join(root, 'prisma', backend, 'datasource.prisma'), join(dir, 'datasource.prisma'));
  copyFileSync(join(root, 'prisma', 'models.prisma'), join(dir, 'models.prisma'));
  run(`prisma generate (${backend})`, bin('prisma'), ['generate', '--schema', dir], {
    PRISMA_SCHEMA_ENGINE_BINARY: join(root, 'package.json'),
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
  });
}
generateClient('sqlite');
generateClient('postgresql');
run('server (tsc)', bin('tsc'), ['-p', 'tsconfig.build.json']);
bundleConsole();
run('web (vite)', bin('vite'), ['build', '--config', 'web/vite.config.ts', '--logLevel', 'warn']);
writeFileSync(stamp, new Date().toISOString());
