// Demo data on an empty database: one credential set on the built-in emulator, with a secret made at
// random for this install, and one provider that mints against it.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Db } from '../db/client.js';
import type { CredentialService } from './credentials.js';
import type { ProviderService } from './providers.js';
import { BUILTIN_EMULATOR } from './upstreams.js';

export const DEMO_CREDENTIAL_NAME = 'Demo (built-in emulator)';

export async function seedDemo(db: Db, credentials: CredentialService, providers: ProviderService): Promise<boolean> {
  if ((await db.credentialSet.count()) > 0) return false;
  const credential = await credentials.create({
    name: DEMO_CREDENTIAL_NAME,
    clientId: `${randomUUID()}.img.frame.emulator.local`,
    clientSecret: randomBytes(20).toString('hex'),
    upstreamUrl: BUILTIN_EMULATOR,
    notes: 'Created on first start. Its secret was generated at random for this install and is known only to the built-in emulator.',
  });
  await providers.create({
    description: 'Demo provider for product trials (built-in emulator)',
    tokenDurationMin: 60,
    entityLevel: 'account',
    entityId: randomUUID(),
    credentialSetId: credential.id,
  });
  return true;
}
