// Where a credential set sends its token requests: Frame production, staging, the built-in emulator, or a
// custom base URL: https on a public address; private and loopback hosts (and plain http) only when the
// operator allow-lists them (UPSTREAM_ALLOW_HOSTS), e.g. for a standalone emulator.
import { AllowedHosts, literalHostProblem } from '../upstream/address-policy.js';

export const BUILTIN_EMULATOR = 'builtin:emulator';

export const ENVIRONMENTS = ['production', 'staging', 'emulator', 'custom'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export const UPSTREAM_PRESETS = [
  { id: 'frame-production', label: 'Frame production', url: 'https://api.console.nutanix.com', environment: 'production' },
  { id: 'frame-staging', label: 'Frame staging', url: 'https://api.staging.frame.nutanix.com', environment: 'staging' },
  { id: 'builtin-emulator', label: 'Built-in emulator', url: BUILTIN_EMULATOR, environment: 'emulator' },
] as const satisfies readonly { id: string; label: string; url: string; environment: Environment }[];

/** Returns the normalised upstream, or an error message a person can act on. */
export function normaliseUpstream(
  input: string,
  allowed: AllowedHosts = new AllowedHosts(),
): { ok: true; url: string } | { ok: false; message: string } {
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
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, message: 'the upstream must be an https URL' };
  const entry = AllowedHosts.entryFor(url);
  if (!allowed.allows(url)) {
    const problem = literalHostProblem(url);
    if (problem) {
      return {
        ok: false,
        message: `the upstream ${url.hostname} is ${problem}: the console does not call its own machine or private networks. For a standalone emulator or an internal gateway, the operator can allow it with UPSTREAM_ALLOW_HOSTS=${entry}`,
      };
    }
    if (url.protocol === 'http:')
      return {
        ok: false,
        message: `the upstream must use https (plain http only for hosts the operator allows with UPSTREAM_ALLOW_HOSTS=${entry})`,
      };
  }
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
