// Starting the console: data directory, master key, migrations, database, emulator, services, HTTP.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { buildApp, EMULATOR_PREFIX } from './app.js';
import { hostPolicy as hostPolicyFor } from './http/host-check.js';
import type { ConsoleConfig } from './config.js';
import { loadKeyRing } from './crypto/master-key.js';
import { applyMigrations } from './db/migrator.js';
import { withDatabaseLock } from './db/database-lock.js';
import { openDatabase, type Db } from './db/client.js';
import { WEB_ROOT } from './paths.js';
import { createEmulatorServices, createServices, type EmulatorServices, type Services } from './services/container.js';
import type { ServiceLog } from './services/service-log.js';
import { seedDemo } from './services/seed.js';
import { loadEmulatorKey } from './services/emulator-key.js';
import { JwtSigner } from './emulator/jwt-signer.js';

export interface RunningConsole {
  app: FastifyInstance;
  url: string;
  db: Db;
  services: Services;
  emulator: EmulatorServices | undefined;
  close(): Promise<void>;
}

/** Who this console is across its restarts: an id kept in its data directory (a new directory is a new replica). */
function replicaIdOf(dataDir: string): string {
  const file = join(dataDir, 'replica-id');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const id = randomUUID();
  writeFileSync(file, `${id}\n`, { mode: 0o600 });
  return id;
}

function loopbackUrl(app: FastifyInstance): string {
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('the server is not listening on a TCP port');
  const host =
    address.address === '0.0.0.0' || address.address === '::'
      ? '127.0.0.1'
      : address.family === 'IPv6'
        ? `[${address.address}]`
        : address.address;
  return `http://${host}:${address.port}`;
}

export async function startConsole(
  config: ConsoleConfig,
  opts: { logStream?: DestinationStream; webRoot?: string; now?: () => number } = {},
): Promise<RunningConsole> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const ring = loadKeyRing(config.masterKeyEnv, config.dataDir);
  await applyMigrations(config.database);
  const db = await openDatabase(config.database);

  const emulator = config.emulator.enabled
    ? createEmulatorServices(JwtSigner.fromPem(await loadEmulatorKey(db, ring.keys, config.dataDir, () => JwtSigner.generate().toPem())))
    : undefined;
  let baseUrl: string | undefined;
  let app: FastifyInstance | undefined;
  const hostPolicy = hostPolicyFor(config.publicUrls, config.host);
  const onBackgroundError = (err: unknown) => app?.log.error({ err }, 'a history row could not be written');
  // Created before the app: the services' log lines go to the app's logger once it exists.
  const log: ServiceLog = {
    error: (fields, message) => app?.log.error(fields, message),
    warn: (fields, message) => app?.log.warn(fields, message),
  };
  const services = createServices({
    db,
    dataDir: config.dataDir,
    onBackgroundError,
    log,
    keys: ring.keys,
    timeouts: config.upstreamTimeouts,
    maxSkewSeconds: config.upstreamMaxSkewSeconds,
    allowHosts: config.upstreamAllowHosts,
    emulator,
    emulatorBaseUrl: () => baseUrl,
    sessionTimeouts: config.sessionTimeouts,
    now: opts.now,
    bulkLimits: config.bulkLimits,
    bulkResultsRetentionMs: config.bulkResultsRetentionMs,
    bulkRunnerTimeoutMs: config.bulkRunnerTimeoutMs,
    replicaId: replicaIdOf(config.dataDir),
    dailyTokenLimits: config.dailyTokenLimits,
  });
  app = await buildApp({
    services,
    emulator,
    emulatorTimestampWindowSeconds: config.emulator.timestampWindowSeconds,
    webRoot: opts.webRoot ?? WEB_ROOT,
    logLevel: config.logLevel,
    trustProxy: config.trustProxy,
    headersTimeoutMs: config.headersTimeoutMs,
    hostPolicy,
    opsToken: config.opsToken,
    ...(opts.logStream ? { logStream: opts.logStream } : {}),
  });
  if (config.trustProxy === true)
    app.log.warn(
      "TRUST_PROXY=true trusts X-Forwarded-For and X-Forwarded-Host from every client: anyone who reaches the console directly can choose the address sign-in throttling counts and the Host name it checks. Set TRUST_PROXY to the proxy's addresses instead (e.g. 10.0.0.5 or 10.0.0.0/24).",
    );
  if (hostPolicy.names === 'any')
    app.log.warn(
      `PUBLIC_URL is not set and the console listens on ${config.host}: requests for any Host name are served. Set PUBLIC_URL to the URL people use, so a page elsewhere cannot reach the console through DNS rebinding.`,
    );
  // Expired sessions, sign-in counters (their refused attempts summed up on record) and audit rows past
  // retention go at start and every six hours.
  const housekeeping = async () => {
    await services.sessions.purgeExpired();
    await services.users.guard.purgeIfDue((opts.now ?? Date.now)());
    await services.audit.purge();
  };
  const timer = setInterval(
    () => void housekeeping().catch((err: unknown) => app?.log.error({ err }, 'housekeeping failed')),
    6 * 3_600_000,
  ).unref();
  app.addHook('onClose', async () => {
    clearInterval(timer);
    services.bulk.cancelAll();
    await services.history.flush();
    await services.upstream.close();
    await db.$disconnect();
  });

  try {
    // The emulator knows every credential and provider before the first request can arrive.
    // A missing or wrong master key stops here, before anything is served or written.
    await services.credentials.secrets.checkAllSecrets();
    if (emulator) await services.credentials.syncBuiltinEmulator();
    // Replicas starting together create the owner and the demo data once: the first one, the others see it.
    await withDatabaseLock(config.database, 'first-start', async () => {
      if (config.owner && (await services.users.count()) === 0) {
        await services.users.createOwner(config.owner, { fromEnv: true });
        app.log.info(`created the owner account ${config.owner.email} from SAT_OWNER_EMAIL`);
      }
      if (config.seedDemo && (await seedDemo(db, services.credentials, services.providers))) {
        app.log.info('seeded a demo credential set and provider on the built-in emulator');
      }
    });
    await housekeeping();
    await services.bulk.recover(services.generations.shared);
    await app.listen({ host: config.host, port: config.port });
    const url = loopbackUrl(app);
    baseUrl = `${url}${EMULATOR_PREFIX}`;
    app.log.info(`sat-playground console on ${url}${emulator ? `, built-in Frame emulator on ${baseUrl}` : ''}`);
    // Only someone who can read this log may create the owner from the browser.
    const setupCode = await services.users.setupCodeIfNeeded();
    if (setupCode) app.log.warn(`No owner yet: open ${url} and create the owner account with the set-up code ${setupCode}`);
    return { app, url, db, services, emulator, close: () => app.close() };
  } catch (err) {
    await app.close();
    throw err;
  }
}
