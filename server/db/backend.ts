// Which database the console runs on: the embedded SQLite file (the default) or PostgreSQL
// (DATABASE_URL=postgresql://…), and the schema files and migrations each one uses. The only place that
// knows the list of backends and where their files are.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../paths.js';

export const BACKENDS = ['sqlite', 'postgresql'] as const;
export type Backend = (typeof BACKENDS)[number];

export interface SqliteTarget {
  backend: 'sqlite';
  file: string;
}

export interface PostgresTarget {
  backend: 'postgresql';
  /** A libpq connection URL; it carries the password, so it never reaches a log line or a response. */
  url: string;
  /** Connections each console process keeps open at most (DATABASE_POOL_SIZE). */
  poolSize: number;
  /** A statement running longer than this is cancelled by the server (DATABASE_STATEMENT_TIMEOUT_MS). */
  statementTimeoutMs: number;
}

export type DatabaseTarget = SqliteTarget | PostgresTarget;

export const DEFAULT_POOL_SIZE = 10;
export const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;

/**
 * The target DATABASE_URL names: postgres:// or postgresql:// is PostgreSQL, file:<path> a SQLite file;
 * unset, the SQLite file in the data directory. Anything else is refused with what is accepted.
 */
export function databaseTarget(
  url: string | undefined,
  defaultFile: string,
  pg: { poolSize: number; statementTimeoutMs: number } = { poolSize: DEFAULT_POOL_SIZE, statementTimeoutMs: DEFAULT_STATEMENT_TIMEOUT_MS },
): DatabaseTarget {
  const value = url?.trim();
  if (!value) return { backend: 'sqlite', file: defaultFile };
  if (/^postgres(ql)?:\/\//i.test(value)) {
    try {
      new URL(value);
    } catch {
      throw new Error('DATABASE_URL is not a valid URL (postgresql://user:password@host:5432/database)');
    }
    return { backend: 'postgresql', url: value, ...pg };
  }
  if (value.startsWith('file:')) return { backend: 'sqlite', file: value.slice('file:'.length) };
  // The value may hold a password: the message names only its scheme.
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value)?.[1];
  throw new Error(
    `DATABASE_URL must start with postgresql:// (PostgreSQL) or file: (a SQLite file)${scheme ? `, got a ${scheme}: URL` : ''}; unset, the console uses DATA_DIR/sat-playground.db`,
  );
}

export const MODELS_FILE = join(PROJECT_ROOT, 'prisma', 'models.prisma');

/** The backend's folder: datasource.prisma and migrations/. */
export const backendDir = (backend: Backend): string => join(PROJECT_ROOT, 'prisma', backend);
export const migrationsDirOf = (backend: Backend): string => join(backendDir(backend), 'migrations');

/** A Prisma schema as the schema engine takes it: (file name, content) pairs. */
export type SchemaFiles = [string, string][];

/** The backend's datasource and the shared models. */
export function schemaFilesOf(backend: Backend): SchemaFiles {
  return [
    ['datasource.prisma', readFileSync(join(backendDir(backend), 'datasource.prisma'), 'utf8')],
    ['models.prisma', readFileSync(MODELS_FILE, 'utf8')],
  ];
}
