// The client a sign-in counter counts: an IPv4 address, or an IPv6 /64. One host, or one customer of a
// provider, is routinely given a whole /64 (2^64 addresses); counting each address alone would give an
// attacker as many fresh counters as they like. An IPv4-mapped IPv6 address (::ffff:192.0.2.1, how a
// dual-stack socket reports IPv4 clients) is its IPv4 address. Pure.
import { isIPv4, isIPv6 } from 'node:net';

/** The eight 16-bit groups of a valid IPv6 address (zone removed). */
function hextets(ip: string): number[] {
  // A trailing dotted quad (::ffff:192.0.2.1) is two groups written in decimal.
  const text = ip.replace(
    /(\d+)\.(\d+)\.(\d+)\.(\d+)$/,
    (_m, a: string, b: string, c: string, d: string) =>
      `${((Number(a) << 8) | Number(b)).toString(16)}:${((Number(c) << 8) | Number(d)).toString(16)}`,
  );
  const parse = (part: string) => (part ? part.split(':').map((h) => parseInt(h, 16)) : []);
  const [head = '', tail] = text.split('::') as [string, string | undefined];
  if (tail === undefined) return parse(head);
  const left = parse(head);
  const right = parse(tail);
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/** What the address counters key on: the IPv4 address, or "<first 64 bits>::/64". Anything else as given. */
export function addressGroup(ip: string): string {
  const bare = ip.replace(/%.*$/, '');
  if (isIPv4(bare)) return bare;
  if (!isIPv6(bare)) return ip;
  const h = hextets(bare.toLowerCase());
  if (h.slice(0, 5).every((x) => x === 0) && h[5] === 0xffff) return `${h[6]! >> 8}.${h[6]! & 255}.${h[7]! >> 8}.${h[7]! & 255}`;
  return `${h
    .slice(0, 4)
    .map((x) => x.toString(16))
    .join(':')}::/64`;
}
