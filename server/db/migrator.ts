// Offline migrations in Prisma's folder format (prisma/<backend>/migrations/<name>/migration.sql), applied at
// start-up, plus the schema diff used to write new migrations and to prove there is no drift.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { withDatabaseLock } from './database-lock.js';
import type { MigrationList, SchemaFilter } from '@prisma/schema-engine-wasm';
import { migrationsDirOf, schemaFilesOf, type DatabaseTarget, type SchemaFiles } from './backend.js';
import { connectionSettings } from './pg-pool.js';
import { openSchemaEngine } from './schema-engine.js';
import type { SqlRunner } from './sql.js';

const NO_FILTER: SchemaFilter = { externalTables: [], externalEnums: [] };
export const LOCKFILE = 'migration_lock.toml';

export function readMigrations(migrationsDir: string): MigrationList {
  const dirs = existsSync(migrationsDir)
    ? readdirSync(migrationsDir, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort()
    : [];
  const lockPath = join(migrationsDir, LOCKFILE);
  return {
    baseDir: migrationsDir,
    lockfile: { path: LOCKFILE, content: existsSync(lockPath) ? readFileSync(lockPath, 'utf8') : null },
    shadowDbInitScript: '',
    migrationDirectories: dirs.map((name) => {
      const file = join(migrationsDir, name, 'migration.sql');
      return {
        path: name,
        migrationFile: {
          path: 'migration.sql',
          content: existsSync(file)
            ? { tag: 'ok' as const, value: readFileSync(file, 'utf8') }
            : { tag: 'error' as const, value: `missing ${file}` },
        },
      };
    }),
  };
}

/** A migration as _prisma_migrations records it; rolled-back attempts are left out. */
export interface RecordedMigration {
  name: string;
  checksum: string;
  finished: boolean;
}

const RECORDED_SQL = 'SELECT "migration_name", "checksum", "finished_at" FROM "_prisma_migrations" WHERE "rolled_back_at" IS NULL';
type RecordedRow = { migration_name: string; checksum: string; finished_at: unknown };
const toRecorded = (rows: RecordedRow[]): RecordedMigration[] =>
  rows.map((r) => ({ name: r.migration_name, checksum: r.checksum, finished: r.finished_at !== null }));

/** The one read of _prisma_migrations, for the start-up fast path and the readiness route. */
export async function recordedMigrations(sql: SqlRunner): Promise<RecordedMigration[]> {
  return toRecorded(await sql.all<RecordedRow>(RECORDED_SQL));
}

/** _prisma_migrations read with a connection of its own; throws when it cannot be read (no table, no file). */
async function readRecorded(target: DatabaseTarget): Promise<RecordedMigration[]> {
  if (target.backend === 'sqlite') {
    if (!existsSync(target.file)) throw new Error('no database file yet');
    const db = new Database(target.file, { readonly: true, fileMustExist: true });
    try {
      return toRecorded(db.prepare(RECORDED_SQL).all() as RecordedRow[]);
    } finally {
      db.close();
    }
  }
  const client = new pg.Client(connectionSettings(target));
  await client.connect();
  try {
    return toRecorded((await client.query<RecordedRow>(RECORDED_SQL)).rows);
  } finally {
    await client.end();
  }
}

/**
 * True when _prisma_migrations records exactly the shipped migrations, each finished, none rolled back,
 * each with the checksum (SHA-256 of migration.sql) of the file shipped now: then the schema engine has
 * nothing to do. Read with a plain connection, so an up-to-date start never loads the engine (about 250 ms
 * and 45 MB of WebAssembly). Anything else, including an unreadable database, says false and leaves the
 * decision, and its error messages, to the engine.
 */
export async function migrationsUpToDate(target: DatabaseTarget, list: MigrationList): Promise<boolean> {
  let recorded: RecordedMigration[];
  try {
    recorded = await readRecorded(target);
  } catch {
    return false;
  }
  if (recorded.some((m) => !m.finished)) return false;
  const applied = new Map(recorded.map((m) => [m.name, m.checksum]));
  if (applied.size !== recorded.length || applied.size !== list.migrationDirectories.length) return false;
  return list.migrationDirectories.every((m) => {
    const content = m.migrationFile.content;
    return content.tag === 'ok' && applied.get(m.path) === createHash('sha256').update(content.value).digest('hex');
  });
}

/**
 * Applies every migration not yet recorded in _prisma_migrations. Returns the names applied now. The schema
 * and the migrations are the target backend's unless given (tests use copies).
 */
export async function applyMigrations(
  target: DatabaseTarget,
  schema: SchemaFiles = schemaFilesOf(target.backend),
  migrationsDir: string = migrationsDirOf(target.backend),
): Promise<string[]> {
  const migrationsList = readMigrations(migrationsDir);
  if (await migrationsUpToDate(target, migrationsList)) return [];
  return withDatabaseLock(target, 'migrations', async () => {
    // Another replica may have applied them while this one waited for the lock.
    if (await migrationsUpToDate(target, migrationsList)) return [];
    const { engine, dispose } = await openSchemaEngine(target, schema);
    try {
      const out = await engine.applyMigrations({ migrationsList, filters: NO_FILTER });
      return out.appliedMigrationNames;
    } finally {
      await dispose();
    }
  });
}

export interface SchemaDiff {
  /** SQL that would bring the source to the schema; empty when they match. */
  sql: string;
  drift: boolean;
}

/** Diff from a live database (or, with from='empty', from nothing) to the Prisma schema. */
export async function diffToSchema(
  target: DatabaseTarget,
  from: 'database' | 'empty',
  schema: SchemaFiles = schemaFilesOf(target.backend),
): Promise<SchemaDiff> {
  const { engine, dispose } = await openSchemaEngine(target, schema);
  const schemaFiles = schema.map(([path, content]) => ({ path, content }));
  try {
    const result = await engine.diff({
      // "schemaDatasource" means the live database behind the driver adapter.
      from: from === 'empty' ? { tag: 'empty' } : { tag: 'schemaDatasource', files: schemaFiles, configDir: '.' },
      to: { tag: 'schemaDatamodel', files: schemaFiles },
      script: true,
      exitCode: true,
      filters: NO_FILTER,
    });
    const sql = (result.stdout ?? '').trim();
    const empty = sql === '' || /^-- This is an empty migration\.?$/.test(sql);
    return { sql: empty ? '' : `${sql}\n`, drift: result.exitCode === 2 && !empty };
  } finally {
    await dispose();
  }
}
