// Migrations are applied offline from prisma/migrations, recorded in _prisma_migrations, and the migrated
// database has no drift from prisma/schema.prisma.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { applyMigrations, diffToSchema, migrationsUpToDate, readMigrations } from '../../server/db/migrator.js';
import { MIGRATIONS_DIR, PRISMA_SCHEMA } from '../../server/paths.js';
import { tempDir } from '../helpers/tmp.js';

const schema = readFileSync(PRISMA_SCHEMA, 'utf8');

test('a fresh database gets every migration once and then matches the schema (no drift)', async (t) => {
  const dir = tempDir();
  t.after(dir.cleanup);
  const db = join(dir.path, 'fresh.db');
  const names = readMigrations(MIGRATIONS_DIR).migrationDirectories.map((d) => d.path);
  assert.ok(names.length >= 1);
  assert.deepEqual(await applyMigrations(db, schema, MIGRATIONS_DIR), names);
  assert.deepEqual(await applyMigrations(db, schema, MIGRATIONS_DIR), [], 'nothing to apply the second time');
  const diff = await diffToSchema(db, schema, 'database');
  assert.equal(diff.drift, false, `drift:\n${diff.sql}`);
  const sqlite = new Database(db, { readonly: true });
  const rows = sqlite.prepare('SELECT migration_name, finished_at FROM _prisma_migrations').all() as {
    migration_name: string;
    finished_at: string | null;
  }[];
  sqlite.close();
  assert.deepEqual(
    rows.map((r) => r.migration_name),
    names,
  );
  assert.ok(rows.every((r) => r.finished_at));
});

test("a database changed behind Prisma's back shows drift, with the SQL that would fix it", async (t) => {
  const dir = tempDir();
  t.after(dir.cleanup);
  const db = join(dir.path, 'drifted.db');
  await applyMigrations(db, schema, MIGRATIONS_DIR);
  const sqlite = new Database(db);
  sqlite.exec('DROP INDEX "Provider_credentialSetId_idx"');
  sqlite.close();
  const diff = await diffToSchema(db, schema, 'database');
  assert.equal(diff.drift, true);
  assert.match(diff.sql, /CREATE INDEX "Provider_credentialSetId_idx"/);
});

test('the first migration is exactly the schema diffed from an empty database', async (t) => {
  const dir = tempDir();
  t.after(dir.cleanup);
  const first = readMigrations(MIGRATIONS_DIR).migrationDirectories[0]!;
  const fromEmpty = await diffToSchema(join(dir.path, 'empty.db'), schema, 'empty');
  assert.ok(fromEmpty.drift);
  // Later migrations change the schema further; only compare while there is a single one.
  if (readMigrations(MIGRATIONS_DIR).migrationDirectories.length === 1) {
    assert.equal(readFileSync(join(MIGRATIONS_DIR, first.path, 'migration.sql'), 'utf8').trim(), fromEmpty.sql.trim());
  }
});

test('an up-to-date database is recognised without the schema engine; anything else goes to the engine', async (t) => {
  const dir = tempDir();
  t.after(dir.cleanup);
  const migrations = join(dir.path, 'migrations');
  cpSync(MIGRATIONS_DIR, migrations, { recursive: true });
  const db = join(dir.path, 'fast.db');
  assert.equal(migrationsUpToDate(db, readMigrations(migrations)), false, 'no file yet');
  await applyMigrations(db, schema, migrations);
  assert.equal(migrationsUpToDate(db, readMigrations(migrations)), true);

  // A migration shipped after the first start is found missing, and the engine applies it.
  mkdirSync(join(migrations, '99990101000000_extra'));
  writeFileSync(join(migrations, '99990101000000_extra', 'migration.sql'), 'CREATE TABLE "Extra" ("id" INTEGER NOT NULL PRIMARY KEY);\n');
  assert.equal(migrationsUpToDate(db, readMigrations(migrations)), false, 'a new migration');
  assert.deepEqual(await applyMigrations(db, schema, migrations), ['99990101000000_extra']);
  assert.equal(migrationsUpToDate(db, readMigrations(migrations)), true);

  // An applied migration edited afterwards no longer matches its checksum.
  writeFileSync(
    join(migrations, '99990101000000_extra', 'migration.sql'),
    'CREATE TABLE "Extra" ("id" INTEGER NOT NULL PRIMARY KEY, "x" TEXT);\n',
  );
  assert.equal(migrationsUpToDate(db, readMigrations(migrations)), false, 'an edited migration');

  // A migration that started and never finished (a crash mid-migration) is never taken as applied.
  writeFileSync(join(migrations, '99990101000000_extra', 'migration.sql'), 'CREATE TABLE "Extra" ("id" INTEGER NOT NULL PRIMARY KEY);\n');
  assert.equal(migrationsUpToDate(db, readMigrations(migrations)), true);
  const sqlite = new Database(db);
  sqlite.prepare('UPDATE _prisma_migrations SET finished_at = NULL WHERE migration_name = ?').run('99990101000000_extra');
  sqlite.close();
  assert.equal(migrationsUpToDate(db, readMigrations(migrations)), false, 'an unfinished migration');
});
