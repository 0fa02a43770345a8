// `npm run backup -- <file>`: an online, consistent copy of the database while the console runs (SQLite's
// backup API), checked with integrity_check. The copy holds client secrets encrypted: restoring it needs
// the same master key (DATA_DIR/master.key or SAT_MASTER_KEY), which this command does not copy.
// Restore: stop the console, put the copy at DATA_DIR/sat-playground.db (remove any -wal/-shm files next to
// it), keep the master key, start the console (migrations newer than the copy are applied at start).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { loadConfig } from '../config.js';

export interface BackupReport {
  file: string;
  pages: number;
  integrity: string;
}

export async function backupDatabase(dbFile: string, target: string): Promise<BackupReport> {
  if (!existsSync(dbFile)) throw new Error(`no database at ${dbFile} (set DATA_DIR)`);
  const file = resolve(target);
  if (existsSync(file)) throw new Error(`${file} exists already; choose a new file name`);
  const source = new Database(dbFile, { fileMustExist: true });
  try {
    const result = await source.backup(file);
    const copy = new Database(file, { readonly: true });
    try {
      const integrity = (copy.pragma('integrity_check', { simple: true }) as string) ?? 'unknown';
      return { file, pages: result.totalPages, integrity };
    } finally {
      copy.close();
    }
  } finally {
    source.close();
  }
}

async function main(): Promise<void> {
  const target = process.argv[2];
  if (!target) {
    console.error('Usage: npm run backup -- <file>');
    process.exit(2);
  }
  const config = loadConfig();
  if (config.database.backend !== 'sqlite') {
    console.error('backup: this is SQLite\'s online backup; on PostgreSQL use pg_dump (README: "PostgreSQL and several replicas").');
    process.exit(2);
  }
  const report = await backupDatabase(config.database.file, target);
  if (report.integrity !== 'ok') {
    console.error(`backup: ${report.file} fails integrity_check: ${report.integrity}`);
    process.exit(1);
  }
  console.log(
    `backup: ${report.file} (${report.pages} pages, integrity ok). Keep the master key too: without it the secrets in the copy cannot be opened.`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(`backup: ${(err as Error).message}`);
    process.exit(1);
  });
}
