// `npm run audit:verify`: recomputes the audit log's hash chain in the console's database (DATABASE_URL or DATA_DIR) and says whether
// any completed row was changed, removed from the middle, or reordered. Exit code 0 when intact, 1 when not.
// Safe while the console runs (it only reads).
import { pathToFileURL } from 'node:url';
import { existsSync } from 'node:fs';
import { loadConfig } from '../config.js';
import type { DatabaseTarget } from '../db/backend.js';
import { openDatabase } from '../db/client.js';
import { AuditService, type ChainReport } from '../services/audit.js';

export async function verifyAuditChain(target: DatabaseTarget): Promise<ChainReport> {
  if (target.backend === 'sqlite' && !existsSync(target.file))
    throw new Error(`no database at ${target.file} (set DATA_DIR or DATABASE_URL)`);
  const db = await openDatabase(target);
  try {
    return await new AuditService(db).verify();
  } finally {
    await db.$disconnect();
  }
}

async function main(): Promise<void> {
  const report = await verifyAuditChain(loadConfig().database);
  const pending = report.pending ? `; ${report.pending} row(s) of actions still in progress or cut short` : '';
  const anchor = report.anchoredAt ? ` (older rows removed by retention; the chain starts at row ${report.anchoredAt})` : '';
  if (report.ok) {
    console.log(`audit:verify: intact, ${report.checked} row(s) checked${anchor}${pending}.`);
  } else {
    console.error(
      `audit:verify: BROKEN at chain row ${report.brokenAt}: ${report.problem}. ${report.checked} row(s) before it verified${pending}.`,
    );
    process.exit(1);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(`audit:verify: ${(err as Error).message}`);
    process.exit(2);
  });
}
