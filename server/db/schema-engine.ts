// Prisma's schema engine, compiled to WebAssembly, driven through the better-sqlite3 driver adapter.
// The Prisma CLI would download a native engine; this runs offline. The WASM module is instantiated by
// hand (instead of importing the .wasm file) so no --experimental-wasm-modules flag is needed.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';

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
  /** Frees the engine and closes its SQLite connections (the engine holds an exclusive lock on the file). */
  dispose: () => Promise<void>;
}

/** Opens the schema engine on a SQLite file (created if missing) with the given Prisma schema. */
export async function openSchemaEngine(dbFile: string, schemaText: string, log: (line: string) => void = () => {}): Promise<EngineHandle> {
  initialised ??= initWasm();
  const bindings = await initialised;
  const { SchemaEngine: Engine } = bindings as unknown as { SchemaEngine: typeof SchemaEngine };
  const factory = new PrismaBetterSqlite3({ url: `file:${dbFile}` });
  const connections: { dispose(): Promise<void> }[] = [];
  // The engine never closes what it connects; keep hold of each connection so dispose() can.
  const tracking = Object.create(factory) as PrismaBetterSqlite3;
  tracking.connect = async () => {
    const connection = await factory.connect();
    connections.push(connection);
    return connection;
  };
  const adapter = bindMigrationAwareSqlAdapterFactory(tracking);
  const engine = await Engine.new({ datamodels: [['schema.prisma', schemaText]] }, (line: string) => log(line), adapter);
  return {
    engine,
    async dispose() {
      engine.free();
      await Promise.all(connections.splice(0).map((c) => c.dispose()));
    },
  };
}
