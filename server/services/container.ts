// Wires the services from their dependencies. One container per app instance (tests build their own).
import { sqlOf, type Db } from '../db/client.js';
import { Generations } from '../db/generations.js';
import type { MasterKey } from '../crypto/secret-box.js';
import { UpstreamClient } from '../upstream/client.js';
import type { UpstreamTimeouts } from '../upstream/defaults.js';
import { EmulatorRegistry } from '../emulator/registry.js';
import { FaultSwitch } from '../emulator/faults.js';
import type { JwtSigner } from '../emulator/jwt-signer.js';
import { linkBuiltinEmulator } from './builtin-emulator.js';
import { CredentialService } from './credentials.js';
import { CredentialSecrets } from './credential-secrets.js';
import { ProviderService } from './providers.js';
import { MintService } from './mint.js';
import { walPresync } from './wal-presync.js';
import { TransferService } from './transfer.js';
import { TokenCheckService } from './token-check.js';
import { BulkService } from './bulk.js';
import { QuotaService } from './quota.js';
import type { BulkLimits, DailyTokenLimits } from './bulk-limits.js';
import { HistoryService } from './history.js';
import { PresetService } from './presets.js';
import { AuditService } from './audit.js';
import { SessionService, type SessionTimeouts } from './sessions.js';
import { UserService } from './users.js';
import { readUserStatus } from './user-status.js';
import { ApiKeyService } from './api-keys.js';
import { Metrics } from './metrics.js';
import { SignatureDebugger } from './signature-debugger.js';
import type { ServiceLog } from './service-log.js';

export interface Services {
  credentials: CredentialService;
  providers: ProviderService;
  mint: MintService;
  transfer: TransferService;
  tokenCheck: TokenCheckService;
  signatures: SignatureDebugger;
  bulk: BulkService;
  /** Daily token quotas; every mint path reserves here (see server/services/quota.ts). */
  quota: QuotaService;
  history: HistoryService;
  presets: PresetService;
  upstream: UpstreamClient;
  audit: AuditService;
  sessions: SessionService;
  users: UserService;
  apiKeys: ApiKeyService;
  db: Db;
  metrics: Metrics;
  /** Versions of what this process caches, read before each request (server/db/generations.ts). */
  generations: Generations;
}

export const DEFAULT_SESSION_TIMEOUTS: SessionTimeouts = { idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000 };

export interface EmulatorServices {
  registry: EmulatorRegistry;
  signer: JwtSigner;
  faults: FaultSwitch;
}

export function createEmulatorServices(signer: JwtSigner): EmulatorServices {
  return { registry: new EmulatorRegistry(), signer, faults: new FaultSwitch() };
}

export function createServices(deps: {
  db: Db;
  dataDir: string;
  keys: readonly MasterKey[];
  timeouts?: Partial<UpstreamTimeouts>;
  /** The largest upstream clock offset followed when signing (s). */
  maxSkewSeconds?: number | undefined;
  /** Private hosts allowed as custom upstreams (UPSTREAM_ALLOW_HOSTS). */
  allowHosts?: readonly string[] | undefined;
  emulator?: EmulatorServices | undefined;
  /** Errors of work done after the answer (history rows); logged by the app. */
  onBackgroundError?: (err: unknown) => void;
  /** Base URL of the built-in emulator; known once the server listens. */
  emulatorBaseUrl: () => string | undefined;
  sessionTimeouts?: SessionTimeouts | undefined;
  /** The clock of sessions, locks, keys, the audit log, quotas, bulk jobs and kept history tokens (tests move it forward). */
  now?: (() => number) | undefined;
  bulkLimits?: BulkLimits | undefined;
  /** How long a finished bulk job's results are kept (default: an hour). */
  bulkResultsRetentionMs?: number | undefined;
  bulkRunnerTimeoutMs?: number | undefined;
  /** This replica, the same across its restarts (boot.ts keeps it in the data directory). */
  replicaId?: string | undefined;
  dailyTokenLimits?: DailyTokenLimits | undefined;
  /** The app's logger, for failures no answer carries (a failed bulk job, an audit row left pending). */
  log?: ServiceLog | undefined;
}): Services {
  const now = deps.now ?? Date.now;
  const link = linkBuiltinEmulator(deps.emulator?.registry, () => (deps.emulator ? deps.emulatorBaseUrl() : undefined));
  const upstream = new UpstreamClient({
    ...(deps.timeouts ? { timeouts: deps.timeouts } : {}),
    ...(deps.maxSkewSeconds !== undefined ? { resilience: { maxSkewSeconds: deps.maxSkewSeconds } } : {}),
    allowHosts: deps.allowHosts ?? [],
  });
  const generations = new Generations(sqlOf(deps.db));
  const providers = new ProviderService(deps.db, link, generations);
  const secrets = new CredentialSecrets(deps.db, deps.keys, () => providers.changed());
  const credentials = new CredentialService(deps.db, secrets, link, () => providers.changed(), upstream.allowed);
  // Another replica changed providers or credential sets: drop the cached rows, and register the built-in
  // emulator's credentials and providers again from the database.
  generations.onChange('providers', async () => {
    providers.invalidate();
    if (deps.emulator) await credentials.syncBuiltinEmulator({ replace: true });
  });
  const history = new HistoryService(deps.db, deps.keys, now, deps.onBackgroundError);
  const metrics = new Metrics();
  const audit = new AuditService(deps.db, now, (synced, seconds) => metrics.auditCommit(synced, seconds), deps.log);
  const userStatus = (userId: string) => readUserStatus(deps.db, userId);
  const sessions = new SessionService(deps.db, deps.sessionTimeouts ?? DEFAULT_SESSION_TIMEOUTS, userStatus, now, generations);
  generations.onChange('sessions', () => sessions.forgetAll());
  const users = new UserService(deps.db, audit, sessions, now);
  const apiKeys = new ApiKeyService(deps.db, audit, now);
  const quota = new QuotaService(deps.db, deps.dailyTokenLimits, now);
  // SQLite syncs its WAL file at a durable commit: started early while the upstream answers (wal-presync.ts).
  const wal = sqlOf(deps.db).walFile;
  const mint = new MintService(providers, credentials, upstream, audit, metrics, history, quota, wal ? walPresync(() => wal) : undefined);
  const transfer = new TransferService(deps.db, credentials, providers);
  const tokenCheck = new TokenCheckService(providers, upstream);
  const signatures = new SignatureDebugger(providers, credentials, upstream);
  const bulk = new BulkService({
    providers,
    mint,
    audit,
    metrics,
    quota,
    userStatus,
    db: deps.db,
    keys: deps.keys,
    sync: () => generations.sync(),
    limits: deps.bulkLimits,
    resultsRetentionMs: deps.bulkResultsRetentionMs,
    runnerTimeoutMs: deps.bulkRunnerTimeoutMs,
    replicaId: deps.replicaId,
    now,
    log: deps.log,
  });
  const presets = new PresetService(deps.db, providers);
  return {
    credentials,
    providers,
    mint,
    transfer,
    tokenCheck,
    signatures,
    bulk,
    quota,
    history,
    presets,
    upstream,
    audit,
    sessions,
    users,
    apiKeys,
    db: deps.db,
    metrics,
    generations,
  };
}
