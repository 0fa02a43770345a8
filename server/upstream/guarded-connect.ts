// The connect step of calls to custom upstreams: the host name is resolved here and every address it resolves
// to is checked against the address policy before a socket is opened, so a name that resolved to a public
// address when the credential set was saved and to 127.0.0.1 now (DNS rebinding) is still refused.
// Allow-listed hosts (UPSTREAM_ALLOW_HOSTS) connect without the check.
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import type { buildConnector as BuildConnector } from 'undici';
import { addressProblem, type AllowedHosts } from './address-policy.js';

type Connector = BuildConnector.connector;
type BuildOptions = BuildConnector.BuildOptions;
type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A refused address: its code lets the client tell it from a network failure. */
export class AddressBlockedError extends Error {
  readonly code = 'UPSTREAM_ADDRESS_BLOCKED';
  constructor(
    readonly host: string,
    readonly problem: string,
    /** Whether the host is a name that resolved to the address (or the address itself). */
    readonly resolved: boolean,
  ) {
    super(`${host} ${resolved ? 'resolves to' : 'is'} ${problem}`);
  }
}

/** How names are resolved: dns.lookup, or a stand-in in tests (a name that rebinds to 127.0.0.1). */
export type Resolver = (
  hostname: string,
  options: LookupOptions & { all: true },
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

/** A lookup for net.connect that refuses when any address the name resolves to is not a public one. */
export function guardedLookup(resolve: Resolver = dnsLookup): (hostname: string, options: LookupOptions, callback: LookupCallback) => void {
  return (hostname, options, callback) =>
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const list = addresses as LookupAddress[];
      const bad = list.map((a) => addressProblem(a.address)).find((p) => p !== null);
      if (bad) return callback(new AddressBlockedError(hostname, bad, true) as unknown as NodeJS.ErrnoException, []);
      if (options.all) return callback(null, list);
      const first = list[0];
      if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
      callback(null, first.address, first.family);
    });
}

/** The same resolver without the check, for allow-listed hosts. */
function plainLookup(resolve: Resolver): (hostname: string, options: LookupOptions, callback: LookupCallback) => void {
  return (hostname, options, callback) =>
    resolve(hostname, { ...options, all: true }, (err, list) => {
      if (err || options.all) return callback(err, list);
      const first = list[0];
      if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
      callback(null, first.address, first.family);
    });
}

/**
 * Wraps undici's connector: IP literals are checked here (net.connect does not look them up), names by
 * guardedLookup; allow-listed hosts go to the unguarded connector.
 */
export function guardedConnector(
  buildConnector: typeof BuildConnector,
  options: BuildOptions,
  allowed: AllowedHosts,
  resolve?: Resolver,
): Connector {
  const guarded = buildConnector({ ...options, lookup: guardedLookup(resolve) } as BuildOptions);
  const plain = buildConnector(resolve ? ({ ...options, lookup: plainLookup(resolve) } as BuildOptions) : options);
  return (opts, callback) => {
    const url = new URL(`${opts.protocol}//${opts.host ?? `${opts.hostname}:${opts.port}`}`);
    if (allowed.allows(url)) return plain(opts, callback);
    const bare = opts.hostname.replace(/^\[|\]$/g, '');
    if (isIP(bare)) {
      const problem = addressProblem(bare);
      if (problem) return callback(new AddressBlockedError(opts.hostname, problem, false), null);
    }
    return guarded(opts, callback);
  };
}
