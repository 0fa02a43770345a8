// `npm run rotate-key`: re-seals every client secret under the current master key.
//   - With SAT_MASTER_KEY set: configure the new key there and the old one in SAT_PREVIOUS_MASTER_KEYS
//     ("id:key"), run this, then drop SAT_PREVIOUS_MASTER_KEYS.
//   - With the key file (DATA_DIR/master.key): a new key is generated; the file holds old and new while
//     the secrets are re-sealed, then only the new one.
// Stop the console first: a running console holds the old key ring. All rows are re-sealed in one
// transaction; a row that cannot be opened stops the rotation before anything is written.
import { pathToFileURL } from 'node:url';
import { loadConfig, type ConsoleConfig } from '../config.js';
import { generateMasterKey, loadKeyRing, usesKeyFile, writeKeyFile } from '../crypto/master-key.js';
import { applyMigrations } from '../db/migrator.js';
import { openDatabase } from '../db/client.js';
import { CredentialSecrets } from '../services/credential-secrets.js';
import { resealEmulatorKey } from '../services/emulator-key.js';
import type { MasterKey } from '../crypto/secret-box.js';

export interface RotationReport {
  mode: 'env' | 'file';
  keyId: string;
  resealed: number;
  total: number;
}

async function reseal(config: ConsoleConfig, keys: MasterKey[]): Promise<{ resealed: number; total: number }> {
  await applyMigrations(config.database);
  const db = await openDatabase(config.database);
  try {
    // The emulator's signing key first: if it cannot be opened, nothing has been re-sealed yet.
    await resealEmulatorKey(db, keys);
    return await new CredentialSecrets(db, keys).resealAll();
  } finally {
    await db.$disconnect();
  }
}

export async function rotateMasterKey(config: ConsoleConfig): Promise<RotationReport> {
  const ring = loadKeyRing(config.masterKeyEnv, config.dataDir);
  if (!usesKeyFile(config.masterKeyEnv)) {
    const result = await reseal(config, ring.keys);
    return { mode: 'env', keyId: ring.current.id, ...result };
  }
  const fresh = generateMasterKey();
  const both = [fresh, ...ring.keys];
  writeKeyFile(config.dataDir, both);
  let result: { resealed: number; total: number };
  try {
    result = await reseal(config, both);
  } catch (err) {
    // Nothing was re-sealed: give the file back its old ring.
    writeKeyFile(config.dataDir, ring.keys);
    throw err;
  }
  // Everything is under the new key now; until this write the file holds both, which is safe too.
  writeKeyFile(config.dataDir, [fresh]);
  return { mode: 'file', keyId: fresh.id, ...result };
}

async function main(): Promise<void> {
  const report = await rotateMasterKey(loadConfig());
  console.log(`rotate-key: ${report.resealed} of ${report.total} secret(s) re-sealed under master key "${report.keyId}".`);
  if (report.mode === 'env') console.log('rotate-key: every secret is now under SAT_MASTER_KEY; remove SAT_PREVIOUS_MASTER_KEYS.');
  else console.log('rotate-key: DATA_DIR/master.key now holds only the new key; back it up.');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(`rotate-key: ${(err as Error).message}; nothing was changed.`);
    process.exit(1);
  });
}
