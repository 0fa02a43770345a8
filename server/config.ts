// Console configuration from the environment, validated at boot: a bad value stops the server with a clear message.
import { resolve, join } from 'node:path';
import type { UpstreamTimeouts } from './upstream/client.js';
import { DEFAULT_MAX_SKEW_SECONDS, DEFAULT_TIMEOUTS } from './upstream/client.js';
import { FRAME_TIMESTAMP_WINDOW_SECONDS as DEFAULT_TIMESTAMP_WINDOW_SECONDS } from './frame/signing-rules.js';
import type { MasterKeyEnv } from './crypto/master-key.js';
import { parseAllowHosts } from './upstream/address-policy.js';
import { parsePublicUrls } from './http/host-check.js';
import { DEFAULT_BULK_LIMITS, DEFAULT_DAILY_TOKEN_LIMITS, type BulkLimits, type DailyTokenLimits } from './services/bulk-limits.js';

export interface ConsoleConfig {
  host: string;
  port: number;
  dataDir: string;
  dbFile: string;
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
  dailyTokenLimits: DailyTokenLimits;
}

/** Documented in README.md ("Configuration"); keep the two in step. */
export const ENV_VARS = {
  PORT: 'Port of the console (default 8080)',
  HOST: 'Address to listen on (default 127.0.0.1)',
  DATA_DIR: 'Where the SQLite file, master key and emulator key live (default ./data)',
  SAT_MASTER_KEY: '32-byte master key, hex or base64; generated into DATA_DIR/master.key when absent',
  SAT_MASTER_KEY_ID: 'Id recorded with every ciphertext (default: derived from the key)',
  SAT_PREVIOUS_MASTER_KEYS: 'Keys being rotated out, "id:key,id:key"; they open but never seal',
  LOG_LEVEL: 'fatal, error, warn, info, debug or trace (default info)',
  UPSTREAM_CONNECT_TIMEOUT_MS: `Connect timeout to Frame (default ${DEFAULT_TIMEOUTS.connectMs})`,
  UPSTREAM_HEADERS_TIMEOUT_MS: `Time to the response headers (default ${DEFAULT_TIMEOUTS.headersMs})`,
  UPSTREAM_BODY_TIMEOUT_MS: `Idle time while reading the body (default ${DEFAULT_TIMEOUTS.bodyMs})`,
  UPSTREAM_TOTAL_TIMEOUT_MS: `Whole exchange (default ${DEFAULT_TIMEOUTS.totalMs})`,
  UPSTREAM_ALLOW_HOSTS: 'Private, loopback or plain-http hosts allowed as custom upstreams, comma-separated host or host:port (e.g. 127.0.0.1:8090 for a standalone emulator); all others are refused (default none)',
  UPSTREAM_MAX_SKEW_SECONDS: `Largest upstream clock offset (from its Date header) the console follows when signing; beyond it nothing is signed (default ${DEFAULT_MAX_SKEW_SECONDS})`,
  EMULATOR_ENABLED: 'Serve the built-in Frame emulator under /emulator (default true)',
  EMULATOR_TIMESTAMP_WINDOW_SECONDS: `Accepted clock skew of the built-in emulator (default ${DEFAULT_TIMESTAMP_WINDOW_SECONDS})`,
  SEED_DEMO: 'Create a demo credential set and provider on an empty database (default true)',
  TOKEN_QUOTA_PER_DAY_OWNER: `Tokens an owner may mint per UTC day, Playground and bulk together; 0 is no limit (default ${DEFAULT_DAILY_TOKEN_LIMITS.owner})`,
  TOKEN_QUOTA_PER_DAY_ADMIN: `The same for an admin (default ${DEFAULT_DAILY_TOKEN_LIMITS.admin})`,
  TOKEN_QUOTA_PER_DAY_SUPPORT: `The same for a support user (default ${DEFAULT_DAILY_TOKEN_LIMITS.support})`,
  BULK_MAX_RUNNING_JOBS: `Bulk jobs one user may run at once (default ${DEFAULT_BULK_LIMITS.maxRunningJobsPerUser})`,
  BULK_MAX_CONCURRENT_CALLS: `Upstream calls in flight for all bulk jobs together; interactive mints do not wait for these (default ${DEFAULT_BULK_LIMITS.maxConcurrentCalls})`,
  SAT_OWNER_EMAIL: 'With SAT_OWNER_PASSWORD: create this owner at start when there is no user (unattended installs)',
  SAT_OWNER_PASSWORD: 'Password of that owner (12+ characters, not a common one); there is never a default password',
  SESSION_IDLE_MINUTES: 'A session ends after this long without a request (default 30)',
  SESSION_ABSOLUTE_HOURS: 'A session ends this long after sign-in, however active (default 12)',
  HTTP_HEADERS_TIMEOUT_MS: 'A client must send its request headers within this time, or is dropped (default 10000)',
  PUBLIC_URL: 'The URL(s) people reach the console at, comma-separated (e.g. https://sat.example.com); requests for any other Host name are refused (421). Unset: loopback names only when HOST is loopback, any name otherwise',
  OPS_TOKEN: 'Bearer token (16+ characters) for /api/metrics and /api/ready/detail, e.g. for Prometheus; without it only signed-in owners and admins read them',
  TRUST_PROXY: 'Behind a TLS-terminating reverse proxy: true, or its addresses (comma-separated IPs/CIDRs); then X-Forwarded-Proto/For decide https (Secure cookies) and client IPs (default false)',
} as const;

type Env = Record<string, string | undefined>;

function integer(env: Env, name: keyof typeof ENV_VARS, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function boolean(env: Env, name: keyof typeof ENV_VARS, fallback: boolean): boolean {
  const raw = env[name]?.toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new Error(`${name} must be true or false, got "${env[name]}"`);
}

function trustProxy(raw: string | undefined): boolean | string {
  const value = raw?.trim().toLowerCase();
  if (!value || ['0', 'false', 'no', 'off'].includes(value)) return false;
  if (['1', 'true', 'yes', 'on'].includes(value)) return true;
  if (!/^[0-9a-f.:/,\s]+$/.test(value)) throw new Error(`TRUST_PROXY must be true, false or a comma-separated list of proxy IPs/CIDRs, got "${raw}"`);
  return value;
}

function ownerFrom(env: Env): { email: string; password: string } | null {
  const email = env.SAT_OWNER_EMAIL?.trim();
  const password = env.SAT_OWNER_PASSWORD;
  if (!email && !password) return null;
  if (!email || !password) throw new Error('Set both SAT_OWNER_EMAIL and SAT_OWNER_PASSWORD, or neither (then the console asks for its owner in the browser)');
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new Error(`SAT_OWNER_EMAIL is not an email address: "${email}"`);
  return { email, password };
}

function opsToken(raw: string | undefined): string | undefined {
  const value = raw?.trim();
  if (!value) return undefined;
  if (value.length < 16) throw new Error('OPS_TOKEN must be at least 16 characters (e.g. openssl rand -hex 24)');
  return value;
}

/** A daily limit from the environment: 0 turns it off (null). */
function dailyLimit(env: Env, name: keyof typeof ENV_VARS, fallback: number | null): number | null {
  const value = integer(env, name, fallback ?? 0, 0, 100_000_000);
  return value === 0 ? null : value;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function loadConfig(env: Env = process.env): ConsoleConfig {
  const dataDir = resolve(env.DATA_DIR || './data');
  const logLevel = env.LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(logLevel)) throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  return {
    host: env.HOST || '127.0.0.1',
    port: integer(env, 'PORT', 8080, 0, 65535),
    dataDir,
    dbFile: join(dataDir, 'sat-playground.db'),
    logLevel,
    upstreamTimeouts: {
      connectMs: integer(env, 'UPSTREAM_CONNECT_TIMEOUT_MS', DEFAULT_TIMEOUTS.connectMs, 50, 120_000),
      headersMs: integer(env, 'UPSTREAM_HEADERS_TIMEOUT_MS', DEFAULT_TIMEOUTS.headersMs, 50, 120_000),
      bodyMs: integer(env, 'UPSTREAM_BODY_TIMEOUT_MS', DEFAULT_TIMEOUTS.bodyMs, 50, 120_000),
      totalMs: integer(env, 'UPSTREAM_TOTAL_TIMEOUT_MS', DEFAULT_TIMEOUTS.totalMs, 50, 300_000),
    },
    upstreamMaxSkewSeconds: integer(env, 'UPSTREAM_MAX_SKEW_SECONDS', DEFAULT_MAX_SKEW_SECONDS, 0, 86_400),
    upstreamAllowHosts: parseAllowHosts(env.UPSTREAM_ALLOW_HOSTS),
    emulator: {
      enabled: boolean(env, 'EMULATOR_ENABLED', true),
      timestampWindowSeconds: integer(env, 'EMULATOR_TIMESTAMP_WINDOW_SECONDS', DEFAULT_TIMESTAMP_WINDOW_SECONDS, 1, 86_400),
    },
    seedDemo: boolean(env, 'SEED_DEMO', true),
    trustProxy: trustProxy(env.TRUST_PROXY),
    headersTimeoutMs: integer(env, 'HTTP_HEADERS_TIMEOUT_MS', 10_000, 500, 120_000),
    sessionTimeouts: { idleMs: integer(env, 'SESSION_IDLE_MINUTES', 30, 1, 24 * 60) * 60_000, absoluteMs: integer(env, 'SESSION_ABSOLUTE_HOURS', 12, 1, 24 * 30) * 3_600_000 },
    owner: ownerFrom(env),
    publicUrls: parsePublicUrls(env.PUBLIC_URL),
    opsToken: opsToken(env.OPS_TOKEN),
    bulkLimits: {
      maxRunningJobsPerUser: integer(env, 'BULK_MAX_RUNNING_JOBS', DEFAULT_BULK_LIMITS.maxRunningJobsPerUser, 1, 100),
      maxConcurrentCalls: integer(env, 'BULK_MAX_CONCURRENT_CALLS', DEFAULT_BULK_LIMITS.maxConcurrentCalls, 1, 1000),
    },
    dailyTokenLimits: {
      owner: dailyLimit(env, 'TOKEN_QUOTA_PER_DAY_OWNER', DEFAULT_DAILY_TOKEN_LIMITS.owner),
      admin: dailyLimit(env, 'TOKEN_QUOTA_PER_DAY_ADMIN', DEFAULT_DAILY_TOKEN_LIMITS.admin),
      support: dailyLimit(env, 'TOKEN_QUOTA_PER_DAY_SUPPORT', DEFAULT_DAILY_TOKEN_LIMITS.support),
      viewer: 0,
    },
    masterKeyEnv: { SAT_MASTER_KEY: env.SAT_MASTER_KEY, SAT_MASTER_KEY_ID: env.SAT_MASTER_KEY_ID, SAT_PREVIOUS_MASTER_KEYS: env.SAT_PREVIOUS_MASTER_KEYS },
  };
}
