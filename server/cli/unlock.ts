// `npm run unlock -- <email>`: ends the sign-in locks on an account, for a console where no one who could
// unlock it in the Users page can sign in. Safe while the console runs (the locks live in the database,
// which the console reads at every attempt). Audited like an unlock in the console, with actor "system".
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../config.js';
import { applyMigrations } from '../db/migrator.js';
import { openDatabase } from '../db/client.js';
import type { DatabaseTarget } from '../db/backend.js';
import { DomainError } from '../errors.js';
import { AuditService } from '../services/audit.js';
import { SignInGuard } from '../auth/sign-in-guard.js';
import { AccountUnlock } from '../services/account-unlock.js';
import type { UserView } from '../services/users.js';

export async function unlockAccount(target: DatabaseTarget, email: string): Promise<UserView> {
  await applyMigrations(target);
  const db = await openDatabase(target);
  try {
    const audit = new AuditService(db);
    return await new AccountUnlock(db, audit, new SignInGuard(db, audit, Date.now)).unlockByEmail(email, 'cli');
  } finally {
    await db.$disconnect();
  }
}

async function main(): Promise<void> {
  const email = process.argv[2]?.trim();
  if (!email) {
    console.error('Usage: npm run unlock -- <email>');
    process.exit(2);
  }
  const user = await unlockAccount(loadConfig().database, email);
  console.log(`unlock: ${user.email} (${user.role}) is unlocked: every browser may sign in again.`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(`unlock: ${(err as Error).message}${err instanceof DomainError ? '' : '; nothing was changed.'}`);
    process.exit(1);
  });
}
