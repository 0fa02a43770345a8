// Which addresses a custom upstream may reach. A URL the console fetches for a user is an SSRF door: the
// console's own machine, private networks, link-local (cloud metadata), CGNAT, multicast and unspecified
// addresses are refused, in IPv4, IPv6 and IPv4-mapped IPv6, unless the operator allow-lists the host
// (UPSTREAM_ALLOW_HOSTS, e.g. a standalone emulator on 127.0.0.1:8090). The same rules run when a credential
// set is saved (on the URL) and at connect time (on every resolved address; see guarded-connect.ts).
import { BlockList, isIP } from 'node:net';

const RANGES: { subnet: string; prefix: number; type: 'ipv4' | 'ipv6'; what: string }[] = [
  { subnet: '0.0.0.0', prefix: 8, type: 'ipv4', what: 'an unspecified ("this network") address' },
  { subnet: '127.0.0.0', prefix: 8, type: 'ipv4', what: 'a loopback address (this machine)' },
  { subnet: '10.0.0.0', prefix: 8, type: 'ipv4', what: 'a private address' },
  { subnet: '172.16.0.0', prefix: 12, type: 'ipv4', what: 'a private address' },
  { subnet: '192.168.0.0', prefix: 16, type: 'ipv4', what: 'a private address' },
  { subnet: '100.64.0.0', prefix: 10, type: 'ipv4', what: 'a carrier-grade NAT (shared) address' },
  { subnet: '169.254.0.0', prefix: 16, type: 'ipv4', what: 'a link-local address (such as a cloud metadata service)' },
  { subnet: '192.0.0.0', prefix: 24, type: 'ipv4', what: 'a reserved address' },
  { subnet: '198.18.0.0', prefix: 15, type: 'ipv4', what: 'a reserved (benchmarking) address' },
  { subnet: '224.0.0.0', prefix: 4, type: 'ipv4', what: 'a multicast address' },
  { subnet: '240.0.0.0', prefix: 4, type: 'ipv4', what: 'a reserved address' },
  { subnet: '::', prefix: 128, type: 'ipv6', what: 'an unspecified address' },
  { subnet: '::1', prefix: 128, type: 'ipv6', what: 'a loopback address (this machine)' },
  { subnet: 'fc00::', prefix: 7, type: 'ipv6', what: 'a private (unique local) address' },
  { subnet: 'fe80::', prefix: 10, type: 'ipv6', what: 'a link-local address' },
  { subnet: 'fec0::', prefix: 10, type: 'ipv6', what: 'a private (site-local) address' },
  { subnet: 'ff00::', prefix: 8, type: 'ipv6', what: 'a multicast address' },
  { subnet: '100::', prefix: 64, type: 'ipv6', what: 'a reserved (discard) address' },
];

const LISTS = RANGES.map((r) => {
  const list = new BlockList();
  list.addSubnet(r.subnet, r.prefix, r.type);
  return { list, type: r.type, what: r.what };
});

/** Host names that always mean this machine. */
const LOCAL_NAMES = /^(localhost|localhost\.localdomain|ip6-localhost|ip6-loopback)$|\.localhost$/i;

/** The IPv4 address inside an IPv6 one that carries it (v4-mapped, v4-compatible, NAT64, 6to4), if any. */
function embeddedIpv4(ipv6: string): string | null {
  const groups = expandIpv6(ipv6);
  if (!groups) return null;
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  const zero = (from: number, to: number) => groups.slice(from, to).every((g) => g === 0);
  if (zero(0, 5) && groups[5] === 0xffff) return v4(groups[6]!, groups[7]!); // ::ffff:a.b.c.d
  if (zero(0, 6) && (groups[6] !== 0 || groups[7]! > 1)) return v4(groups[6]!, groups[7]!); // ::a.b.c.d
  if (groups[0] === 0x64 && groups[1] === 0xff9b && zero(2, 6)) return v4(groups[6]!, groups[7]!); // 64:ff9b::/96
  if (groups[0] === 0x64 && groups[1] === 0xff9b && groups[2] === 1) return v4(groups[6]!, groups[7]!); // 64:ff9b:1::/48, local-use NAT64 (RFC 8215)
  if (zero(0, 4) && groups[4] === 0xffff && groups[5] === 0) return v4(groups[6]!, groups[7]!); // ::ffff:0:a.b.c.d, SIIT (RFC 6052)
  if (groups[0] === 0x2002) return v4(groups[1]!, groups[2]!); // 6to4
  return null;
}

/** The eight 16-bit groups of an IPv6 address (with an optional dotted IPv4 tail), or null. */
function expandIpv6(address: string): number[] | null {
  let text = address.toLowerCase().split('%')[0]!;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, -dotted[1]!.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const parse = (part: string) => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const missing = 8 - left.length - right.length;
  if (missing < 0 || (tail === undefined && missing !== 0)) return null;
  const groups = [...left, ...Array<number>(missing).fill(0), ...right];
  return groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}

/** Why an IP address may not be an upstream, or null when it is a public address. */
export function addressProblem(ip: string): string | null {
  const bare = ip.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  if (family === 0) return null;
  if (family === 6) {
    const inner = embeddedIpv4(bare);
    if (inner) return addressProblem(inner);
  }
  const type = family === 4 ? 'ipv4' : 'ipv6';
  return LISTS.find((l) => l.type === type && l.list.check(bare, type))?.what ?? null;
}

/** Hosts the operator trusts although they are private: "host" (any port) or "host:port", lower case. */
export class AllowedHosts {
  private readonly entries: ReadonlySet<string>;

  constructor(entries: readonly string[] = []) {
    this.entries = new Set(entries.map((e) => e.trim().toLowerCase()).filter(Boolean));
  }

  /** Whether a URL's host (and port) is allow-listed. */
  allows(url: URL): boolean {
    const host = url.hostname.toLowerCase();
    return this.entries.has(host) || this.entries.has(`${host}:${portOf(url)}`);
  }

  /** The allow-list entry that would let this URL through, for messages. */
  static entryFor(url: URL): string {
    return `${url.hostname.toLowerCase()}:${portOf(url)}`;
  }

  get size(): number {
    return this.entries.size;
  }
}

export function portOf(url: URL): string {
  return url.port || (url.protocol === 'https:' ? '443' : '80');
}

/** Parses UPSTREAM_ALLOW_HOSTS: comma-separated host or host:port ([v6]:port); throws a message naming the bad entry. */
export function parseAllowHosts(raw: string | undefined): string[] {
  if (!raw?.trim()) return [];
  return raw.split(',').map((entry) => {
    const text = entry.trim();
    let url: URL;
    try {
      url = new URL(`http://${text}`);
    } catch {
      throw new Error(`UPSTREAM_ALLOW_HOSTS: "${text}" is not a host or host:port`);
    }
    if (url.pathname !== '/' || url.username || url.search || url.hash)
      throw new Error(`UPSTREAM_ALLOW_HOSTS: "${text}" is not a host or host:port`);
    // The URL parser normalises the host (127.1 → 127.0.0.1, case), as it does for upstream URLs.
    return /:\d+$/.test(text) ? `${url.hostname}:${url.port || '80'}` : url.hostname;
  });
}

/**
 * Why a URL's host may not be a custom upstream, judged on the URL alone (an IP literal in a refused range,
 * or a name that always means this machine), or null. Names are checked again on every resolved address
 * at connect time, which also defeats DNS rebinding.
 */
export function literalHostProblem(url: URL): string | null {
  const host = url.hostname.replace(/\.$/, '');
  if (LOCAL_NAMES.test(host)) return 'a name of this machine';
  return addressProblem(host);
}
