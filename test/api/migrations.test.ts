// test-backends: sqlite — it runs on both backends itself (BACKENDS): once is enough
// Migrations are applied offline from prisma/<backend>/migrations, recorded in _prisma_migrations, and the
// migrated database has no drift from the models (prisma/models.prisma), on both backends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BACKENDS, migrationsDirOf } from '../../server/db/backend.js';
import { applyMigrations, diffToSchema, migrationsUpToDate, readMigrations } from '../../server/db/migrator.js';
import { freshDatabase, rawSql } from '../helpers/databases.js';
import { tempDir } from '../helpers/tmp.js';

for (const backend of BACKENDS) {
  const MIGRATIONS_DIR = migrationsDirOf(backend);

  test(`${backend}: a fresh database gets every migration once and then matches the models (no drift)`, async (t) => {
    const { target: db, cleanup } = await freshDatabase(backend, 'fresh');
    t.after(cleanup);
    const names = readMigrations(MIGRATIONS_DIR).migrationDirectories.map((d) => d.path);
    assert.ok(names.length >= 1);
    assert.deepEqual(await applyMigrations(db), names);
    assert.deepEqual(await applyMigrations(db), [], 'nothing to apply the second time');
    const diff = await diffToSchema(db, 'database');
    assert.equal(diff.drift, false, `drift:\n${diff.sql}`);
    const rows = await rawSql<{ migration_name: string; finished_at: unknown }>(
      db,
      'SELECT migration_name, finished_at FROM _prisma_migrations ORDER BY started_at, migration_name',
    );
    assert.deepEqual(
      rows.map((r) => r.migration_name),
      names,
    );
    assert.ok(rows.every((r) => r.finished_at));
  });

  test(`${backend}: a database changed behind Prisma's back shows drift, with the SQL that would fix it`, async (t) => {
    const { target: db, cleanup } = await freshDatabase(backend, 'drifted');
    t.after(cleanup);
    await applyMigrations(db);
    await rawSql(db, 'DROP INDEX "Provider_credentialSetId_idx"');
    const diff = await diffToSchema(db, 'database');
    assert.equal(diff.drift, true);
    assert.match(diff.sql, /CREATE INDEX "Provider_credentialSetId_idx"/);
  });

  test(`${backend}: the first migration is exactly the models diffed from an empty database`, async (t) => {
    const { target: db, cleanup } = await freshDatabase(backend, 'empty');
    t.after(cleanup);
    const fromEmpty = await diffToSchema(db, 'empty');
    assert.ok(fromEmpty.drift);
    // Later migrations change the schema further; only compare while there is a single one.
    const dirs = readMigrations(MIGRATIONS_DIR).migrationDirectories;
    if (dirs.length === 1)
      assert.equal(readFileSync(join(MIGRATIONS_DIR, dirs[0]!.path, 'migration.sql'), 'utf8').trim(), fromEmpty.sql.trim());
  });

  test(`${backend}: an up-to-date database is recognised without the schema engine; anything else goes to the engine`, async (t) => {
    const dir = tempDir();
    t.after(dir.cleanup);
    const migrations = join(dir.path, 'migrations');
    cpSync(MIGRATIONS_DIR, migrations, { recursive: true });
    const { target: db, cleanup } = await freshDatabase(backend, 'fast');
    t.after(cleanup);
    const apply = () => applyMigrations(db, undefined, migrations);
    assert.equal(await migrationsUpToDate(db, readMigrations(migrations)), false, 'nothing migrated yet');
    await apply();
    assert.equal(await migrationsUpToDate(db, readMigrations(migrations)), true);

    // A migration shipped after the first start is found missing, and the engine applies it.
    mkdirSync(join(migrations, '99990101000000_extra'));
    writeFileSync(join(migrations, '99990101000000_extra', 'migration.sql'), 'CREATE TABLE "Extra" ("id" INTEGER NOT NULL PRIMARY KEY);\n');
    assert.equal(await migrationsUpToDate(db, readMigrations(migrations)), false, 'a new migration');
    assert.deepEqual(await apply(), ['99990101000000_extra']);
    assert.equal(await migrationsUpToDate(db, readMigrations(migrations)), true);

    // An applied migration edited afterwards no longer matches its checksum.
    writeFileSync(
      join(migrations, '99990101000000_extra', 'migration.sql'),
      'CREATE TABLE "Extra" ("id" INTEGER NOT NULL PRIMARY KEY, "x" TEXT);\n',
    );
    assert.equal(await migrationsUpToDate(db, readMigrations(migrations)), false, 'an edited migration');

    // A migration that started and never finished (a crash mid-migration) is never taken as applied.
    writeFileSync(join(migrations, '99990101000000_extra', 'migration.sql'), 'CREATE TABLE "Extra" ("id" INTEGER NOT NULL PRIMARY KEY);\n');
    assert.equal(await migrationsUpToDate(db, readMigrations(migrations)), true);
    await rawSql(db, 'UPDATE _prisma_migrations SET finished_at = NULL WHERE migration_name = ?', ['99990101000000_extra']);
    assert.equal(await migrationsUpToDate(db, readMigrations(migrations)), false, 'an unfinished migration');
  });
}

test('postgresql: a migration with ";" inside a comment and a function body is applied whole, and a failing one leaves nothing behind', async (t) => {
  const dir = tempDir();
  t.after(dir.cleanup);
  const migrations = join(dir.path, 'migrations');
  cpSync(migrationsDirOf('postgresql'), migrations, { recursive: true });
  const { target: db } = await freshDatabase('postgresql', 'script');
  await applyMigrations(db, undefined, migrations);
  mkdirSync(join(migrations, '99990101000000_semicolons'));
  writeFileSync(
    join(migrations, '99990101000000_semicolons', 'migration.sql'),
    `-- a comment; with a semicolon
CREATE TABLE "Semi" ("id" INTEGER NOT NULL PRIMARY KEY);
CREATE FUNCTION "semi_fn"() RETURNS integer LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END; $$;
`,
  );
  assert.deepEqual(await applyMigrations(db, undefined, migrations), ['99990101000000_semicolons']);
  assert.deepEqual(await rawSql(db, 'SELECT "semi_fn"() AS v'), [{ v: 1 }]);

  mkdirSync(join(migrations, '99990102000000_broken'));
  writeFileSync(
    join(migrations, '99990102000000_broken', 'migration.sql'),
    'CREATE TABLE "Half" ("id" INTEGER NOT NULL PRIMARY KEY);\nSELECT no_such_function();\n',
  );
  await assert.rejects(applyMigrations(db, undefined, migrations));
  const half = await rawSql(db, `SELECT to_regclass('"Half"') AS t`);
  assert.deepEqual(half, [{ t: null }], 'the failed migration created nothing');
});
