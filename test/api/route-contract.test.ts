// test-backends: sqlite — route schemas do not depend on the backend: once is enough
// Every console route declares a permission and TypeBox schemas for what it takes and answers, taken from the
// API contract (server/contract/); a route without them fails here (and buildApp refuses to register it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { buildApp } from '../../server/app.js';
import { openDatabase } from '../../server/db/client.js';
import { applyMigrations } from '../../server/db/migrator.js';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createEmulatorServices, createServices } from '../../server/services/container.js';
import { JwtSigner } from '../../server/emulator/jwt-signer.js';
import { isPermission } from '../../server/contract/permissions.js';
import { tempDir } from '../helpers/tmp.js';
import { API_ROUTES } from '../helpers/api-routes.js';

async function build(t: { after: (fn: () => unknown) => void }) {
  const dir = tempDir();
  const dbFile = join(dir.path, 'contract.db');
  await applyMigrations({ backend: 'sqlite', file: dbFile });
  const db = await openDatabase({ backend: 'sqlite', file: dbFile });
  const emulator = createEmulatorServices(JwtSigner.generate());
  const services = createServices({
    db,
    dataDir: dir.path,
    keys: [{ id: 'k', key: randomBytes(32) }],
    emulator,
    emulatorBaseUrl: () => undefined,
  });
  const app = await buildApp({ services, emulator, logLevel: 'silent' });
  t.after(async () => {
    await app.close();
    await db.$disconnect();
    dir.cleanup();
  });
  return { app };
}

const WITH_BODY = ['POST', 'PUT', 'PATCH'];

/** Every value every contract module exports, to find a route's schemas among them by identity. */
async function contractExports(): Promise<Set<unknown>> {
  const dir = fileURLToPath(new URL('../../server/contract/', import.meta.url));
  const values = new Set<unknown>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const module = (await import(pathToFileURL(join(dir, file)).href)) as Record<string, unknown>;
    for (const value of Object.values(module)) values.add(value);
  }
  return values;
}

test('the /api routes are exactly the routes of the API table, each with a permission and params, query, body and response schemas', async (t) => {
  const { app } = await build(t);
  const api = app.registeredRoutes.filter((r) => r.url.startsWith('/api/'));
  assert.deepEqual(api.map((r) => `${r.method} ${r.url}`).sort(), Object.keys(API_ROUTES).sort());
  for (const r of api) {
    const where = `${r.method} ${r.url}`;
    assert.ok(isPermission(r.permission), `${where}: permission`);
    assert.ok(r.schema?.response, `${where}: response schema`);
    assert.ok(r.schema?.querystring, `${where}: querystring schema`);
    assert.equal(Boolean(r.schema?.params), r.url.includes(':'), `${where}: params schema if and only if the path has a parameter`);
    assert.equal(Boolean(r.schema?.body), WITH_BODY.includes(r.method), `${where}: body schema if and only if the method has a body`);
  }
});

test('every schema of every /api route (params, query, body, 2xx answer) is one the contract exports', async (t) => {
  const { app } = await build(t);
  const contract = await contractExports();
  const strays: string[] = [];
  for (const r of app.registeredRoutes.filter((route) => route.url.startsWith('/api/'))) {
    const schema = r.schema ?? {};
    const success = Object.entries((schema.response ?? {}) as Record<string, unknown>).filter(([status]) => /^2\d\d$/.test(status));
    assert.ok(success.length > 0, `${r.method} ${r.url}: a 2xx answer`);
    const parts: [string, unknown][] = [
      ['params', schema.params],
      ['querystring', schema.querystring],
      ['body', schema.body],
      ...success.map(([status, s]): [string, unknown] => [status, s]),
    ];
    for (const [part, value] of parts) if (value !== undefined && !contract.has(value)) strays.push(`${r.method} ${r.url} ${part}`);
  }
  assert.deepEqual(strays, [], 'schemas written in a route instead of taken from server/contract/');
});

test('the OpenAPI document lists every /api route with its parameters, body and answers', async (t) => {
  const { app } = await build(t);
  await app.ready();
  type Schema = { type?: unknown; properties?: Record<string, unknown>; items?: Schema };
  type Operation = {
    parameters?: { in: string; name: string }[];
    requestBody?: { content: Record<string, { schema: Schema }> };
    responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
  };
  const doc = app.swagger() as unknown as { paths: Record<string, Record<string, Operation>> };
  // @fastify/swagger rewrites a few keywords for OpenAPI (const as enum, patternProperties); the fields must stay.
  const fields = (schema: Schema | undefined) => Object.keys(schema?.properties ?? schema?.items?.properties ?? {}).sort();
  const names = (schema: unknown) => Object.keys((schema as Schema | undefined)?.properties ?? {}).sort();
  for (const r of app.registeredRoutes.filter((route) => route.url.startsWith('/api/'))) {
    const where = `${r.method} ${r.url}`;
    const operation = doc.paths[r.url.replace(/:(\w+)/g, '{$1}')]?.[r.method.toLowerCase()];
    assert.ok(operation, `${where} is in the document`);
    const parameters = (place: string) =>
      (operation.parameters ?? [])
        .filter((p) => p.in === place)
        .map((p) => p.name)
        .sort();
    assert.deepEqual(parameters('path'), names(r.schema?.params), `${where}: path parameters`);
    assert.deepEqual(parameters('query'), names(r.schema?.querystring), `${where}: query parameters`);
    if (r.schema?.body)
      assert.deepEqual(
        fields(operation.requestBody?.content['application/json']?.schema),
        fields(r.schema.body as Schema),
        `${where}: body`,
      );
    for (const [status, schema] of Object.entries(r.schema?.response as Record<string, Schema>)) {
      const answer: Operation['responses'][string] | undefined = operation.responses[status];
      assert.ok(answer, `${where}: ${status} is documented`);
      // An answer without content (204) is documented without one.
      if (schema.type === 'null') assert.equal(answer.content, undefined, `${where}: ${status}`);
      else assert.deepEqual(fields(answer.content?.['application/json']?.schema), fields(schema), `${where}: ${status}`);
    }
  }
});

// The emulator's routes are Frame's API as the emulator copies it (signed headers, a raw body parsed after the
// signature check), served by the standalone emulator too: their schemas stay with the emulator, not in the
// console's contract, which the SPA reads and which must not depend on the emulator.
test('the emulator routes carry schemas too', async (t) => {
  const { app } = await build(t);
  const emu = app.registeredRoutes.filter((r) => r.url.startsWith('/emulator/'));
  assert.deepEqual(emu.map((r) => `${r.method} ${r.url}`).sort(), [
    'GET /emulator/.well-known/jwks.json',
    'GET /emulator/api/rest/v1/me/assertions',
    'POST /emulator/v1/:collection/:entityId/secure-anonymous/:provider/tokens',
  ]);
  for (const r of emu) assert.ok(r.schema?.response && r.schema?.querystring, `${r.method} ${r.url}`);
});

test('registering an /api route without a permission or a response schema is refused', async (t) => {
  const { app } = await build(t);
  assert.throws(
    () => app.get('/api/naked', { schema: { response: { 200: { type: 'string' } } } }, async () => 'x'),
    /declares no known permission/,
  );
  assert.throws(() => app.get('/api/naked2', { config: { permission: 'public' } }, async () => 'x'), /has no response schema/);
});

test('route schemas compile on first use, and every one of them compiles', async (t) => {
  const { app } = await build(t);
  await app.ready();
  const before = app.pendingSchemas();
  // Each route has at least a querystring validator and a response serializer.
  assert.ok(before >= 2 * app.registeredRoutes.length, `${before} deferred for ${app.registeredRoutes.length} routes`);
  const health = await app.inject({ method: 'GET', url: '/api/health' });
  assert.equal(health.statusCode, 200);
  assert.ok(app.pendingSchemas() < before, 'serving a route compiles its schemas');
  app.compileAllSchemas();
  assert.equal(app.pendingSchemas(), 0);
});

test("a lazily compiled validator still refuses bad input with the route's own message", async (t) => {
  const { app } = await build(t);
  const res = await app.inject({ method: 'GET', url: '/api/health?unexpected=1' });
  assert.equal(res.statusCode, 400);
  assert.match(res.body, /unexpected/);
});
