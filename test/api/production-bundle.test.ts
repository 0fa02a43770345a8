// The production start path is dist/console.js, the bundle `npm run build` makes of server/main.ts. Most
// tests run the sources in-process; this one runs the bundle as `npm start` and the container do, and
// checks what a bundle could break: the SPA and Swagger UI's files found on disk, the OpenAPI document,
// Prisma's WebAssembly loaded, a mint through the built-in emulator, and a restart on the same data.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { tempDir } from '../helpers/tmp.js';
import { startBuiltConsole } from '../helpers/built-console.js';
import { http, signIn } from '../helpers/http.js';
import { OWNER } from '../helpers/console.js';

const dir = tempDir('sat-bundle-');
let child: ChildProcess | undefined;
after(() => {
  child?.kill('SIGKILL');
  dir.cleanup();
});

test('the bundle serves the SPA, the API docs and a mint, and starts again on its own data', { timeout: 60_000 }, async () => {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const base = `http://127.0.0.1:${port}`;
  for (const round of ['fresh data directory', 'existing data directory']) {
    child = await startBuiltConsole({ port, dataDir: dir.path, attempts: 300 });

    const page = await fetch(`${base}/`);
    assert.equal(page.status, 200, round);
    assert.match(await page.text(), /<div id="app">/);
    assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/, 'pages get the SPA policy');

    const spec = await http<{ openapi: string; paths: Record<string, unknown> }>('GET', `${base}/docs/json`);
    assert.equal(spec.status, 200);
    assert.equal(spec.json.openapi, '3.1.0');
    assert.ok(Object.keys(spec.json.paths).length >= 40, `${Object.keys(spec.json.paths).length} paths`);
    const ui = await fetch(`${base}/docs/static/index.html`);
    assert.equal(ui.status, 200, 'Swagger UI finds its files');

    const session = await signIn(base, OWNER.email, OWNER.password);
    const list = await http<{ id: string }[]>('GET', `${base}/api/providers`, undefined, { cookie: session.cookie });
    assert.equal(list.status, 200);
    assert.equal(
      list.headers.get('content-security-policy'),
      "default-src 'none'; frame-ancestors 'none'",
      'API answers get the API policy',
    );
    assert.equal(list.headers.get('x-content-type-options'), 'nosniff');
    const [demo] = list.json;
    assert.ok(demo, 'the demo provider is seeded');
    const mint = await http<{ token: string; claims: { exp: number } }>(
      'POST',
      `${base}/api/providers/${demo.id}/tokens`,
      { email: 'bundle@example.com' },
      { cookie: session.cookie, 'x-csrf-token': session.csrfToken },
    );
    assert.equal(mint.status, 200, mint.text);
    assert.equal(mint.json.token.split('.').length, 3);

    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0, `a clean exit on SIGTERM (${round})`);
  }
});
