// Every console route declares a permission and TypeBox schemas for what it takes and answers; a route
// without them fails here (and buildApp refuses to register it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { buildApp } from '../../server/app.js';
import { openDatabase } from '../../server/db/client.js';
import { applyMigrations } from '../../server/db/migrator.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MIGRATIONS_DIR, PRISMA_SCHEMA } from '../../server/paths.js';
import { createEmulatorServices, createServices } from '../../server/services/container.js';
import { JwtSigner } from '../../server/emulator/jwt-signer.js';
import { isPermission } from '../../server/contract/permissions.js';
import { tempDir } from '../helpers/tmp.js';

async function build(t: { after: (fn: () => unknown) => void }) {
  const dir = tempDir();
  const dbFile = join(dir.path, 'contract.db');
  await applyMigrations(dbFile, readFileSync(PRISMA_SCHEMA, 'utf8'), MIGRATIONS_DIR);
  const db = await openDatabase(dbFile);
  const emulator = createEmulatorServices(JwtSigner.generate());
  const services = createServices({ db, dataDir: dir.path, keys: [{ id: 'k', key: randomBytes(32) }], emulator, emulatorBaseUrl: () => undefined });
  const app = await buildApp({ services, emulator, logLevel: 'silent' });
  t.after(async () => {
    await app.close();
    await db.$disconnect();
    dir.cleanup();
  });
  return { app };
}

test('every /api route has a permission and params, query, body and response schemas', async (t) => {
  const { app } = await build(t);
  const api = app.registeredRoutes.filter((r) => r.url.startsWith('/api/'));
  assert.ok(api.length >= 9, `found ${api.length} routes`);
  for (const r of api) {
    const where = `${r.method} ${r.url}`;
    assert.ok(isPermission(r.permission), `${where}: permission`);
    assert.ok(r.schema?.response, `${where}: response schema`);
    assert.ok(r.schema?.querystring, `${where}: querystring schema`);
    if (r.url.includes(':')) assert.ok(r.schema?.params, `${where}: params schema`);
    if (['POST', 'PUT', 'PATCH'].includes(r.method)) assert.ok(r.schema?.body, `${where}: body schema`);
  }
});

test('the emulator routes carry schemas too', async (t) => {
  const { app } = await build(t);
  const emu = app.registeredRoutes.filter((r) => r.url.startsWith('/emulator/'));
  assert.ok(emu.length >= 3);
  for (const r of emu) assert.ok(r.schema?.response && r.schema?.querystring, `${r.method} ${r.url}`);
});

test('registering an /api route without a permission or a response schema is refused', async (t) => {
  const { app } = await build(t);
  assert.throws(() => app.get('/api/naked', { schema: { response: { 200: { type: 'string' } } } }, async () => 'x'), /declares no known permission/);
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

test('a lazily compiled validator still refuses bad input with the route\'s own message', async (t) => {
  const { app } = await build(t);
  const res = await app.inject({ method: 'GET', url: '/api/health?unexpected=1' });
  assert.equal(res.statusCode, 400);
  assert.match(res.body, /unexpected/);
});
