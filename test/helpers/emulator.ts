// A standalone emulator on an ephemeral loopback port, built from a config like the JSON file's.
import { randomUUID } from 'node:crypto';
import { before, after } from 'node:test';
import { tokenUri } from '../../server/frame/entity.js';
import { signedHeaders } from '../../server/crypto/frame-signature.js';
import { unixSeconds } from '../../server/frame/signing-rules.js';
import { buildEmulatorServer, type EmulatorServer } from '../../server/emulator/server.js';
import { parseEmulatorConfig, type EmulatorConfig } from '../../server/emulator/config.js';
import { providerName } from './fixtures.js';

export interface TestEmulator extends EmulatorServer {
  url: string;
  close(): Promise<void>;
}

export async function startEmulator(config: Partial<EmulatorConfig> = {}): Promise<TestEmulator> {
  const server = await buildEmulatorServer(parseEmulatorConfig({ credentials: [], providers: [], ...config }));
  const address = await server.app.listen({ port: 0, host: '127.0.0.1' });
  return { ...server, url: address, close: () => server.app.close() };
}

/** One account with one provider and two credentials: one for everything, one granted another account only. */
export function scenario() {
  const accountId = randomUUID();
  const otherAccountId = randomUUID();
  const provider = { level: 'account' as const, entityId: accountId, name: providerName(), tokenDurationMinutes: 90 };
  const admin = { clientId: `${randomUUID()}.img.frame.nutanix.com`, clientSecret: randomUUID().replace(/-/g, ''), grants: '*' as const };
  const narrow = {
    clientId: `${randomUUID()}.img.frame.nutanix.com`,
    clientSecret: randomUUID().replace(/-/g, ''),
    grants: [{ level: 'account' as const, entityId: otherAccountId }],
  };
  return { accountId, otherAccountId, provider, admin, narrow, config: { credentials: [admin, narrow], providers: [provider] } };
}

/**
 * For the tests of the current describe: a standalone emulator with a scenario() started before them and
 * closed after, the scenario's token URI, and headers signed now with its all-granted credential.
 */
export function scenarioEmulator(): {
  s: ReturnType<typeof scenario>;
  readonly emu: TestEmulator;
  readonly uri: string;
  signed: () => Record<string, string>;
} {
  const s = scenario();
  let emu: TestEmulator | undefined;
  let uri = '';
  before(async () => {
    emu = await startEmulator(s.config);
    uri = tokenUri(emu.url, { level: 'account', entityId: s.accountId, providerName: s.provider.name });
  });
  after(async () => emu?.close());
  return {
    s,
    get emu() {
      return emu!;
    },
    get uri() {
      return uri;
    },
    signed: () => signedHeaders(s.admin.clientId, s.admin.clientSecret, unixSeconds(Date.now())),
  };
}
