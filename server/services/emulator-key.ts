// The built-in emulator's signing key, kept in the database (Setting "emulator.signingKey"), sealed with
// the master key like a client secret: every replica signs with the same key, so a token minted through
// one verifies against any replica's JWKS, and it survives restarts. A key file from before (DATA_DIR/
// emulator-signing-key.pem) is taken over once. Two replicas starting at once agree: the first insert
// wins, and both read back what is stored.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sqlOf, type Db } from '../db/client.js';
import { aadFor, open, seal, SecretBoxError, type MasterKey } from '../crypto/secret-box.js';

export const EMULATOR_KEY_SETTING = 'emulator.signingKey';
/** Where the key was kept before it moved into the database. */
export const LEGACY_EMULATOR_KEY_FILE = 'emulator-signing-key.pem';

const AAD = aadFor('setting', EMULATOR_KEY_SETTING, 'value');

/** The stored key as PEM; on a database without one, the legacy file's, or a new one from `generate`. */
export async function loadEmulatorKey(db: Db, keys: readonly MasterKey[], dataDir: string, generate: () => string): Promise<string> {
  const sql = sqlOf(db);
  const read = () => sql.get<{ value: string }>('SELECT "value" FROM "Setting" WHERE "key" = ?', [EMULATOR_KEY_SETTING]);
  let row = await read();
  if (!row) {
    const legacy = join(dataDir, LEGACY_EMULATOR_KEY_FILE);
    const pem = existsSync(legacy) ? readFileSync(legacy, 'utf8') : generate();
    await sql.run('INSERT INTO "Setting" ("key", "value") VALUES (?, ?) ON CONFLICT ("key") DO NOTHING', [
      EMULATOR_KEY_SETTING,
      seal(pem, keys[0]!, AAD),
    ]);
    row = await read();
  }
  try {
    return open(row!.value, keys, AAD);
  } catch (err) {
    // Said at start, like a credential set's: which stored secret the master keys cannot open.
    if (err instanceof SecretBoxError) throw new SecretBoxError(`the built-in emulator's signing key: ${err.message}`);
    throw err;
  }
}

/** Seals the stored key under the current master key (master key rotation); whether it was re-sealed. */
export async function resealEmulatorKey(db: Db, keys: readonly MasterKey[]): Promise<boolean> {
  const sql = sqlOf(db);
  const row = await sql.get<{ value: string }>('SELECT "value" FROM "Setting" WHERE "key" = ?', [EMULATOR_KEY_SETTING]);
  if (!row) return false;
  const pem = open(row.value, keys, AAD);
  await sql.run('UPDATE "Setting" SET "value" = ? WHERE "key" = ?', [seal(pem, keys[0]!, AAD), EMULATOR_KEY_SETTING]);
  return true;
}
