// The console's environment variables: one TypeBox schema holds every name, default, bound and description
// (README.md's "Configuration" table lists the same names, and a test keeps the two in step). readEnv turns
// the process environment into typed values, refusing a bad one with a message naming the variable.
import { Type, type Static, type TSchema } from 'typebox';
import { DEFAULT_MAX_SKEW_SECONDS, DEFAULT_TIMEOUTS } from './upstream/defaults.js';
import { FRAME_TIMESTAMP_WINDOW_SECONDS } from './frame/signing-rules.js';
import { DEFAULT_POOL_SIZE, DEFAULT_STATEMENT_TIMEOUT_MS } from './db/backend.js';
import { DEFAULT_BULK_LIMITS, DEFAULT_BULK_RESULTS_RETENTION_MINUTES, DEFAULT_DAILY_TOKEN_LIMITS } from './services/bulk-limits.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

const integer = (minimum: number, maximum: number, dflt: number, description: string) =>
  Type.Integer({ minimum, maximum, default: dflt, description });
const boolean = (dflt: boolean, description: string) => Type.Boolean({ default: dflt, description });
const text = (dflt: string, description: string) => Type.String({ default: dflt, description });
/** No default: unset (or empty) is undefined, and the code reading it decides what that means. */
const optional = (description: string, extra: { minLength?: number } = {}) => Type.Optional(Type.String({ description, ...extra }));
const MAX_TIMEOUT_MS = 120_000;
const MAX_DAILY_TOKENS = 100_000_000;
export const OPS_TOKEN_MIN_LENGTH = 16;

export const ENV_SCHEMA = Type.Object({
  PORT: integer(0, 65535, 8080, 'Port of the console'),
  HOST: text('127.0.0.1', 'Address to listen on'),
  DATA_DIR: text('./data', 'Where the SQLite file and the master key file live'),
  DATABASE_URL: optional(
    'Unset: the SQLite file in DATA_DIR. postgresql://user:password@host:5432/db runs on PostgreSQL (several replicas may share it); file:<path> names another SQLite file',
  ),
  DATABASE_POOL_SIZE: integer(1, 200, DEFAULT_POOL_SIZE, 'PostgreSQL: connections each console process keeps open at most'),
  DATABASE_STATEMENT_TIMEOUT_MS: integer(
    100,
    3_600_000,
    DEFAULT_STATEMENT_TIMEOUT_MS,
    'PostgreSQL: a statement running longer is cancelled by the server',
  ),
  SAT_MASTER_KEY: optional('32-byte master key, hex or base64; generated into DATA_DIR/master.key when absent'),
  SAT_MASTER_KEY_ID: optional('Id recorded with every ciphertext (default: derived from the key)'),
  SAT_PREVIOUS_MASTER_KEYS: optional('Keys being rotated out, "id:key,id:key"; they open but never seal'),
  LOG_LEVEL: Type.Enum(LOG_LEVELS, { default: 'info', description: 'fatal, error, warn, info, debug, trace or silent' }),
  UPSTREAM_CONNECT_TIMEOUT_MS: integer(50, MAX_TIMEOUT_MS, DEFAULT_TIMEOUTS.connectMs, 'Connect timeout to Frame'),
  UPSTREAM_HEADERS_TIMEOUT_MS: integer(50, MAX_TIMEOUT_MS, DEFAULT_TIMEOUTS.headersMs, 'Time to the response headers'),
  UPSTREAM_BODY_TIMEOUT_MS: integer(50, MAX_TIMEOUT_MS, DEFAULT_TIMEOUTS.bodyMs, 'Idle time while reading the body'),
  UPSTREAM_TOTAL_TIMEOUT_MS: integer(50, 300_000, DEFAULT_TIMEOUTS.totalMs, 'Whole exchange'),
  UPSTREAM_ALLOW_HOSTS: optional(
    'Private, loopback or plain-http hosts allowed as custom upstreams, comma-separated host or host:port (e.g. 127.0.0.1:8090 for a standalone emulator); all others are refused',
  ),
  UPSTREAM_MAX_SKEW_SECONDS: integer(
    0,
    86_400,
    DEFAULT_MAX_SKEW_SECONDS,
    'Largest upstream clock offset (from its Date header) the console follows when signing; beyond it nothing is signed',
  ),
  EMULATOR_ENABLED: boolean(true, 'Serve the built-in Frame emulator under /emulator'),
  EMULATOR_TIMESTAMP_WINDOW_SECONDS: integer(1, 86_400, FRAME_TIMESTAMP_WINDOW_SECONDS, 'Accepted clock skew of the built-in emulator'),
  SEED_DEMO: boolean(true, 'Create a demo credential set and provider on an empty database'),
  TOKEN_QUOTA_PER_DAY_OWNER: integer(
    0,
    MAX_DAILY_TOKENS,
    DEFAULT_DAILY_TOKEN_LIMITS.owner ?? 0,
    'Tokens an owner may mint per UTC day, Playground and bulk together; 0 is no limit',
  ),
  TOKEN_QUOTA_PER_DAY_ADMIN: integer(0, MAX_DAILY_TOKENS, DEFAULT_DAILY_TOKEN_LIMITS.admin ?? 0, 'The same for an admin'),
  TOKEN_QUOTA_PER_DAY_SUPPORT: integer(0, MAX_DAILY_TOKENS, DEFAULT_DAILY_TOKEN_LIMITS.support ?? 0, 'The same for a support user'),
  BULK_MAX_RUNNING_JOBS: integer(1, 100, DEFAULT_BULK_LIMITS.maxRunningJobsPerUser, 'Bulk jobs one user may run at once'),
  BULK_MAX_CONCURRENT_CALLS: integer(
    1,
    1000,
    DEFAULT_BULK_LIMITS.maxConcurrentCalls,
    'Upstream calls in flight for all bulk jobs together; interactive mints do not wait for these',
  ),
  BULK_RUNNER_TIMEOUT_SECONDS: integer(
    3,
    3600,
    15,
    'A running bulk job whose console process has given no sign of life for this long is marked failed by another replica (or after a restart)',
  ),
  BULK_RESULTS_RETENTION_MINUTES: integer(
    1,
    7 * 24 * 60,
    DEFAULT_BULK_RESULTS_RETENTION_MINUTES,
    "Minutes a finished bulk job's results (its tokens) stay downloadable; then they are deleted. A restart deletes them too",
  ),
  SAT_OWNER_EMAIL: optional('With SAT_OWNER_PASSWORD: create this owner at start when there is no user (unattended installs)'),
  SAT_OWNER_PASSWORD: optional('Password of that owner (12+ characters, not a common one); there is never a default password'),
  SESSION_IDLE_MINUTES: integer(1, 24 * 60, 30, 'A session ends after this long without a request'),
  SESSION_ABSOLUTE_HOURS: integer(1, 24 * 30, 12, 'A session ends this long after sign-in, however active'),
  HTTP_HEADERS_TIMEOUT_MS: integer(500, MAX_TIMEOUT_MS, 10_000, 'A client must send its request headers within this time, or is dropped'),
  PUBLIC_URL: optional(
    'The URL(s) people reach the console at, comma-separated (e.g. https://sat.example.com); requests for any other Host name are refused (421). Unset: loopback names only when HOST is loopback, any name otherwise',
  ),
  OPS_TOKEN: optional(
    'Bearer token for /api/metrics and /api/ready/detail, e.g. for Prometheus; without it only signed-in owners and admins read them',
    { minLength: OPS_TOKEN_MIN_LENGTH },
  ),
  TRUST_PROXY: text(
    'false',
    'Behind a TLS-terminating reverse proxy: true, or its addresses (comma-separated IPs/CIDRs); then X-Forwarded-Proto/For decide https (Secure cookies) and client IPs',
  ),
});

export type EnvValues = Static<typeof ENV_SCHEMA>;
export type EnvName = keyof EnvValues;
export type Env = Record<string, string | undefined>;

/** The schema keywords readEnv understands (what the helpers above write). */
interface VarSchema {
  type?: string;
  enum?: readonly string[];
  minimum?: number;
  maximum?: number;
  default?: unknown;
}

export const ENV_NAMES = Object.keys(ENV_SCHEMA.properties) as EnvName[];

const TRUE = ['1', 'true', 'yes', 'on'];
const FALSE = ['0', 'false', 'no', 'off'];

/** A boolean the way people write one in an environment variable, or undefined for anything else. */
export function envBoolean(raw: string): boolean | undefined {
  const value = raw.trim().toLowerCase();
  return TRUE.includes(value) ? true : FALSE.includes(value) ? false : undefined;
}

function read(name: string, schema: VarSchema, raw: string | undefined): unknown {
  // Unset and empty are the same: the default, or undefined.
  if (raw === undefined || raw === '') return schema.default;
  if (schema.enum) {
    if (!schema.enum.includes(raw)) throw new Error(`${name} must be one of ${schema.enum.join(', ')}, got "${raw}"`);
    return raw;
  }
  if (schema.type === 'integer') {
    // Decimal digits only: Number() would also take "0x50", "1e3" or " ".
    const value = /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : NaN;
    const [min, max] = [schema.minimum ?? Number.MIN_SAFE_INTEGER, schema.maximum ?? Number.MAX_SAFE_INTEGER];
    if (!Number.isInteger(value) || value < min || value > max)
      throw new Error(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
    return value;
  }
  if (schema.type === 'boolean') {
    const value = envBoolean(raw);
    if (value === undefined) throw new Error(`${name} must be true or false, got "${raw}"`);
    return value;
  }
  return raw;
}

/** Every variable of the schema, typed; the first bad one throws. Variables not in the schema are ignored. */
export function readEnv(env: Env): EnvValues {
  const values: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(ENV_SCHEMA.properties) as [string, TSchema & VarSchema][])
    values[name] = read(name, schema, env[name]);
  return values as EnvValues;
}
