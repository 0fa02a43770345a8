// Console configuration from the environment, validated at boot: a bad value stops the server with a clear message.
// The variables, their defaults and bounds are in env-schema.ts; here they become the console's settings.
import { resolve, join } from 'node:path';
import type { UpstreamTimeouts } from './upstream/defaults.js';
import type { MasterKeyEnv } from './crypto/master-key.js';
import { parseAllowHosts } from './upstream/address-policy.js';
import { parsePublicUrls } from './http/host-check.js';
import type { BulkLimits, DailyTokenLimits } from './services/bulk-limits.js';
import { databaseTarget, type DatabaseTarget } from './db/backend.js';
import { envBoolean, OPS_TOKEN_MIN_LENGTH, readEnv, type Env, type EnvValues } from './env-schema.js';

export interface ConsoleConfig {
  host: string;
  port: number;
  dataDir: string;
  /** The SQLite file in DATA_DIR, used unless DATABASE_URL names another database. */
  dbFile: string;
  database: DatabaseTarget;
  logLevel: string;
  upstreamTimeouts: UpstreamTimeouts;
  /** The largest upstream clock offset followed when signing (s). */
  upstreamMaxSkewSeconds: number;
  /** Private hosts allowed as custom upstreams: "host" or "host:port". */
  upstreamAllowHosts: string[];
  emulator: { enabled: boolean; timestampWindowSeconds: number };
  seedDemo: boolean;
  masterKeyEnv: MasterKeyEnv;
  trustProxy: boolean | string;
  headersTimeoutMs: number;
  sessionTimeouts: { idleMs: number; absoluteMs: number };
  /** The URLs the console is reached at (PUBLIC_URL); its Host names are the only ones served. */
  publicUrls: string[];
  /** Bearer token for /api/metrics and /api/ready/detail. */
  opsToken: string | undefined;
  /** The owner to create on a database with no user (unattended installs). */
  owner: { email: string; password: string } | null;
  bulkLimits: BulkLimits;
  /** How long a finished bulk job's results are kept (BULK_RESULTS_RETENTION_MINUTES). */
  bulkResultsRetentionMs: number;
  /** After this long without a heartbeat a running bulk job is marked failed (BULK_RUNNER_TIMEOUT_SECONDS). */
  bulkRunnerTimeoutMs: number;
  dailyTokenLimits: DailyTokenLimits;
}

function trustProxy(raw: string): boolean | string {
  const value = raw.trim().toLowerCase();
  const flag = value ? envBoolean(value) : false;
  if (flag !== undefined) return flag;
  if (!/^[0-9a-f.:/,\s]+$/.test(value))
    throw new Error(`TRUST_PROXY must be true, false or a comma-separated list of proxy IPs/CIDRs, got "${raw}"`);
  return value;
}

function ownerFrom(env: EnvValues): { email: string; password: string } | null {
  const email = env.SAT_OWNER_EMAIL?.trim();
  const password = env.SAT_OWNER_PASSWORD;
  if (!email && !password) return null;
  if (!email || !password)
    throw new Error('Set both SAT_OWNER_EMAIL and SAT_OWNER_PASSWORD, or neither (then the console asks for its owner in the browser)');
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new Error(`SAT_OWNER_EMAIL is not an email address: "${email}"`);
  return { email, password };
}

function opsToken(raw: string | undefined): string | undefined {
  const value = raw?.trim();
  if (!value) return undefined;
  if (value.length < OPS_TOKEN_MIN_LENGTH)
    throw new Error(`OPS_TOKEN must be at least ${OPS_TOKEN_MIN_LENGTH} characters (e.g. openssl rand -hex 24)`);
  return value;
}

/** A daily limit: 0 turns it off (null). */
const dailyLimit = (value: number): number | null => (value === 0 ? null : value);

export function loadConfig(raw: Env = process.env): ConsoleConfig {
  const env = readEnv(raw);
  const dataDir = resolve(env.DATA_DIR);
  const dbFile = join(dataDir, 'sat-playground.db');
  const database = databaseTarget(env.DATABASE_URL, dbFile, {
    poolSize: env.DATABASE_POOL_SIZE,
    statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
  });
  // A key file is per machine: replicas each generating their own could not open each other's secrets.
  if (database.backend === 'postgresql' && !env.SAT_MASTER_KEY?.trim())
    throw new Error('On PostgreSQL set SAT_MASTER_KEY (32 bytes, hex or base64), the same on every replica: e.g. openssl rand -hex 32');
  return {
    host: env.HOST,
    port: env.PORT,
    dataDir,
    dbFile,
    database,
    logLevel: env.LOG_LEVEL,
    upstreamTimeouts: {
      connectMs: env.UPSTREAM_CONNECT_TIMEOUT_MS,
      headersMs: env.UPSTREAM_HEADERS_TIMEOUT_MS,
      bodyMs: env.UPSTREAM_BODY_TIMEOUT_MS,
      totalMs: env.UPSTREAM_TOTAL_TIMEOUT_MS,
    },
    upstreamMaxSkewSeconds: env.UPSTREAM_MAX_SKEW_SECONDS,
    upstreamAllowHosts: parseAllowHosts(env.UPSTREAM_ALLOW_HOSTS),
    emulator: { enabled: env.EMULATOR_ENABLED, timestampWindowSeconds: env.EMULATOR_TIMESTAMP_WINDOW_SECONDS },
    seedDemo: env.SEED_DEMO,
    trustProxy: trustProxy(env.TRUST_PROXY),
    headersTimeoutMs: env.HTTP_HEADERS_TIMEOUT_MS,
    sessionTimeouts: { idleMs: env.SESSION_IDLE_MINUTES * 60_000, absoluteMs: env.SESSION_ABSOLUTE_HOURS * 3_600_000 },
    owner: ownerFrom(env),
    publicUrls: parsePublicUrls(env.PUBLIC_URL),
    opsToken: opsToken(env.OPS_TOKEN),
    bulkLimits: { maxRunningJobsPerUser: env.BULK_MAX_RUNNING_JOBS, maxConcurrentCalls: env.BULK_MAX_CONCURRENT_CALLS },
    bulkResultsRetentionMs: env.BULK_RESULTS_RETENTION_MINUTES * 60_000,
    bulkRunnerTimeoutMs: env.BULK_RUNNER_TIMEOUT_SECONDS * 1000,
    dailyTokenLimits: {
      owner: dailyLimit(env.TOKEN_QUOTA_PER_DAY_OWNER),
      admin: dailyLimit(env.TOKEN_QUOTA_PER_DAY_ADMIN),
      support: dailyLimit(env.TOKEN_QUOTA_PER_DAY_SUPPORT),
      viewer: 0,
    },
    masterKeyEnv: {
      SAT_MASTER_KEY: env.SAT_MASTER_KEY,
      SAT_MASTER_KEY_ID: env.SAT_MASTER_KEY_ID,
      SAT_PREVIOUS_MASTER_KEYS: env.SAT_PREVIOUS_MASTER_KEYS,
    },
  };
}
