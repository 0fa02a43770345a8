// Prisma's schema engine, compiled to WebAssembly, driven through the better-sqlite3 or the pg driver adapter.
// The Prisma CLI would download a native engine; this runs offline. The WASM module is instantiated by
// hand (instead of importing the .wasm file) so no --experimental-wasm-modules flag is needed.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory, type SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';
import type { DatabaseTarget, PostgresTarget, SchemaFiles } from './backend.js';
import { openPool } from './pg-pool.js';

type Bindings = typeof import('@prisma/schema-engine-wasm/schema_engine_bg');
let initialised: Promise<Bindings> | undefined;

/** Loaded only when a migration or a diff needs the engine: an up-to-date start never does. */
async function initWasm(): Promise<Bindings> {
  const bindings = await import('@prisma/schema-engine-wasm/schema_engine_bg');
  const pkgDir = dirname(fileURLToPath(import.meta.resolve('@prisma/schema-engine-wasm/schema_engine_bg')));
  const bytes = await readFile(join(pkgDir, 'schema_engine_bg.wasm'));
  const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': bindings as unknown as WebAssembly.ModuleImports });
  const b = bindings as unknown as { __wbg_set_wasm(w: unknown): void };
  b.__wbg_set_wasm(instance.exports);
  (instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start?.();
  return bindings;
}

export interface EngineHandle {
  engine: SchemaEngine;
  /** Frees the engine and closes its connections (on SQLite the engine holds an exclusive lock on the file). */
  dispose: () => Promise<void>;
}

/** Opens the schema engine on a database (a SQLite file is created if missing) with the given schema files. */
export async function openSchemaEngine(
  target: DatabaseTarget,
  schema: SchemaFiles,
  log: (line: string) => void = () => {},
): Promise<EngineHandle> {
  initialised ??= initWasm();
  const bindings = await initialised;
  const { SchemaEngine: Engine } = bindings as unknown as { SchemaEngine: typeof SchemaEngine };
  const { factory, close } = target.backend === 'sqlite' ? sqliteFactory(target.file) : postgresFactory(target);
  const adapter = bindMigrationAwareSqlAdapterFactory(factory);
  const engine = await Engine.new({ datamodels: schema }, (line: string) => log(line), adapter);
  return {
    engine,
    async dispose() {
      engine.free();
      await close();
    },
  };
}

interface EngineFactory {
  factory: SqlMigrationAwareDriverAdapterFactory;
  close: () => Promise<void>;
}

function sqliteFactory(file: string): EngineFactory {
  const factory = new PrismaBetterSqlite3({ url: `file:${file}` });
  const connections: { dispose(): Promise<void> }[] = [];
  // The engine never closes what it connects; keep hold of each connection so dispose() can.
  const tracking = Object.create(factory) as PrismaBetterSqlite3;
  tracking.connect = async () => {
    const connection = await factory.connect();
    connections.push(connection);
    return connection;
  };
  return { factory: tracking, close: async () => void (await Promise.all(connections.splice(0).map((c) => c.dispose()))) };
}

/** PostgreSQL's internal one-byte type "char" (pg_catalog columns such as pg_constraint.contype). */
const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

/**
 * Three gaps of @prisma/adapter-pg 7.10 under the schema engine, closed here:
 * - introspection reads pg_catalog columns of type "char", which the adapter refuses ("Column type 'char'
 *   could not be deserialized"): they are reported as text, which is what they hold;
 * - the adapter runs a script split on every ";", so a ";" in a comment or a function body breaks a
 *   migration half-applied: the file is sent as one query instead, which PostgreSQL runs as one
 *   transaction (all of it or none);
 * - its shadow database replays migrations on the main database when the URL is a connection string: the
 *   console never asks for one (new migrations are diffed from a database of our own, scripts/new-migration.ts).
 */
function postgresFactory(target: PostgresTarget): EngineFactory {
  const pool = openPool(target, 2);
  const asText = (result: unknown) => {
    for (const field of (result as { fields?: { dataTypeID: number }[] } | undefined)?.fields ?? [])
      if (field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
    return result;
  };
  const patch = (queryable: { query: (...args: never[]) => unknown }) => {
    const query = queryable.query.bind(queryable) as (...args: unknown[]) => unknown;
    queryable.query = ((...args: unknown[]) => {
      const out = query(...args);
      return out instanceof Promise ? out.then(asText) : out;
    }) as typeof queryable.query;
  };
  patch(pool);
  pool.on('connect', (client) => patch(client));
  const inner = new PrismaPg(pool);
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: inner.provider,
    adapterName: inner.adapterName,
    async connect() {
      const adapter = await inner.connect();
      adapter.executeScript = async (script: string) => {
        await pool.query(script);
      };
      return adapter;
    },
    connectToShadowDb() {
      return Promise.reject(new Error('The console does not use a shadow database (see server/db/schema-engine.ts).'));
    },
  };
  return { factory, close: () => pool.end() };
}
