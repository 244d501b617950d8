import { isIPv4, isIPv6 } from 'node:net';

/** The address as bits (IPv4-mapped IPv6 counts as IPv4), or null when it does not parse. */
function toBits(address: string): { family: 4 | 6; bits: string } | null {
  const plain = address.startsWith('::ffff:') && isIPv4(address.slice(7)) ? address.slice(7) : address;
  if (isIPv4(plain)) {
    return {
      family: 4,
      bits: plain
        .split('.')
        .map((o) => Number(o).toString(2).padStart(8, '0'))
        .join(''),
    };
  }
  if (!isIPv6(plain)) return null;
  const [head = '', tail = ''] = plain.split('%')[0]?.split('::') ?? [];
  const left = head ? head.split(':') : [];
  const right = plain.includes('::') ? (tail ? tail.split(':') : []) : [];
  const missing = 8 - left.length - right.length;
  const groups = plain.includes('::') ? [...left, ...Array(missing).fill('0'), ...right] : left;
  if (groups.length !== 8) return null;
  return { family: 6, bits: groups.map((g) => Number.parseInt(g, 16).toString(2).padStart(16, '0')).join('') };
}

/**
 * Whether two addresses share their first `v4`/`v6` bits. A family change (IPv4 ↔ IPv6) or an
 * unparseable address counts as different; a prefix length of 0 means "do not compare".
 */
export function samePrefix(a: string, b: string, v4: number, v6: number): boolean {
  // The same address shares every prefix; this skips the bit strings on each request (bench issue 7).
  if (a === b) return true;
  const x = toBits(a);
  const y = toBits(b);
  if (!x || !y) return a === b;
  if (x.family !== y.family) return (x.family === 4 ? v4 : v6) === 0;
  const length = x.family === 4 ? v4 : v6;
  return x.bits.slice(0, length) === y.bits.slice(0, length);
}
