// Where a credential set sends its token requests: Frame production, staging, the built-in emulator, or a
// custom base URL (https only; plain http only on loopback, for a standalone emulator).

export const BUILTIN_EMULATOR = 'builtin:emulator';

export const ENVIRONMENTS = ['production', 'staging', 'emulator', 'custom'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export const UPSTREAM_PRESETS = [
  { id: 'frame-production', label: 'Frame production', url: 'https://api.console.nutanix.com', environment: 'production' },
  { id: 'frame-staging', label: 'Frame staging', url: 'https://api.staging.frame.nutanix.com', environment: 'staging' },
  { id: 'builtin-emulator', label: 'Built-in emulator', url: BUILTIN_EMULATOR, environment: 'emulator' },
] as const satisfies readonly { id: string; label: string; url: string; environment: Environment }[];

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function isLoopback(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** Returns the normalised upstream, or an error message a person can act on. */
export function normaliseUpstream(input: string): { ok: true; url: string } | { ok: false; message: string } {
  const text = input.trim();
  if (text === BUILTIN_EMULATOR) return { ok: true, url: text };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, message: `"${text.slice(0, 100)}" is not a URL; use e.g. https://api.console.nutanix.com or ${BUILTIN_EMULATOR}` };
  }
  if (url.username || url.password) return { ok: false, message: 'the upstream URL must not contain a user name or password' };
  if (url.search || url.hash) return { ok: false, message: 'the upstream URL must not have a query string or fragment' };
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    return { ok: false, message: 'the upstream must use https (plain http is allowed only on loopback, for a local emulator)' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, message: 'the upstream must be an https URL' };
  return { ok: true, url: `${url.origin}${url.pathname.replace(/\/+$/, '')}` };
}

export function upstreamLabel(url: string): string {
  return UPSTREAM_PRESETS.find((p) => p.url === url)?.label ?? url;
}

/** Frame's /me/assertions host as public code shows it (G4 in the research notes); staging's is unknown. */
const ASSERTIONS_BASE: Partial<Record<Environment, string>> = { production: 'https://cpanel-backend-prod.frame.nutanix.com' };
const ASSERTIONS_PATH = '/api/rest/v1/me/assertions';
const JWKS_PATH = '/.well-known/jwks.json';

/** Where to check a token (GET with Bearer); null when unknown for this upstream. `base` is the resolved base URL. */
export function assertionsUrl(upstreamUrl: string, base: string): string | null {
  const env = environmentOf(upstreamUrl);
  if (env === 'emulator' || env === 'custom') return `${base}${ASSERTIONS_PATH}`;
  const host = ASSERTIONS_BASE[env];
  return host ? `${host}${ASSERTIONS_PATH}` : null;
}

/** The upstream's published token keys; Frame publishes none we know of, the emulator (and custom emulators) do. */
export function jwksUrl(upstreamUrl: string, base: string): string | null {
  const env = environmentOf(upstreamUrl);
  return env === 'emulator' || env === 'custom' ? `${base}${JWKS_PATH}` : null;
}

/** The badge a provider wears: which kind of Frame its tokens come from. */
export function environmentOf(url: string): Environment {
  return UPSTREAM_PRESETS.find((p) => p.url === url)?.environment ?? 'custom';
}
