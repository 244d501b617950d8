import { isIPv4, isIPv6 } from 'node:net';
import { CustosError } from '../errors.js';

/**
 * Which peers may tell us the client's address, scheme and host through `X-Forwarded-*`
 * (checklist TLS-06): exact addresses (`'10.0.0.7'`, `'::1'`), CIDR ranges (`'10.0.0.0/8'`,
 * `'fd00::/8'`) and the keywords `'loopback'`, `'linklocal'`, `'uniquelocal'`. Anyone else's
 * headers are ignored. An entry that does not parse is refused at startup.
 */
export type TrustedProxies = readonly string[];

/**
 * Whether the address `hop` steps away is a proxy we trust: hop 0 is the socket peer, hop 1 the
 * right-most `X-Forwarded-For` entry, and so on. The shape of Express's `trust proxy fn`.
 */
export type TrustPredicate = (address: string, hop: number) => boolean;

/** A list to compile, or an already compiled predicate (a framework's own trust decision). */
export type ProxyTrust = TrustedProxies | TrustPredicate;

interface Range {
  readonly bytes: Uint8Array;
  readonly prefix: number;
}

// The special-purpose blocks of RFC 6890 that proxies usually sit in.
const KEYWORDS: Readonly<Record<string, readonly string[]>> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/** IPv4-mapped IPv6 (`::ffff:10.0.0.1`, how dual-stack sockets report IPv4 peers) as plain IPv4. */
export function normaliseAddress(address: string): string {
  return address.startsWith('::ffff:') && isIPv4(address.slice(7)) ? address.slice(7) : address;
}

/** The address as 4 or 16 bytes, or null when it is not an IP address. */
export function addressBytes(raw: string): Uint8Array | null {
  const address = normaliseAddress(raw);
  if (isIPv4(address)) return Uint8Array.from(address.split('.'), Number);
  if (!isIPv6(address)) return null;
  let text = address.split('%')[0] ?? '';
  // An embedded dotted quad (`64:ff9b::1.2.3.4`) is the last two 16-bit groups.
  const dot = text.lastIndexOf(':');
  const tail = text.slice(dot + 1);
  if (tail.includes('.')) {
    const [a = 0, b = 0, c = 0, d = 0] = tail.split('.').map(Number);
    text = `${text.slice(0, dot + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', rest] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = rest ? rest.split(':') : [];
  const groups = rest === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  const bytes = new Uint8Array(16);
  groups.forEach((group, i) => {
    const value = Number.parseInt(group, 16);
    bytes[i * 2] = value >> 8;
    bytes[i * 2 + 1] = value & 0xff;
  });
  return bytes;
}

function parseRange(entry: string): Range | null {
  const slash = entry.indexOf('/');
  const bytes = addressBytes(slash < 0 ? entry : entry.slice(0, slash));
  if (!bytes) return null;
  const bits = bytes.length * 8;
  if (slash < 0) return { bytes, prefix: bits };
  const text = entry.slice(slash + 1);
  if (!/^\d{1,3}$/.test(text)) return null;
  let prefix = Number(text);
  // `::ffff:10.0.0.0/104` names an IPv4 range through its mapped form.
  if (bytes.length === 4 && entry.startsWith('::ffff:')) prefix -= 96;
  return prefix >= 0 && prefix <= bits ? { bytes, prefix } : null;
}

function inRange(address: Uint8Array, range: Range): boolean {
  if (address.length !== range.bytes.length) return false;
  const whole = range.prefix >> 3;
  for (let i = 0; i < whole; i++) if (address[i] !== range.bytes[i]) return false;
  const rest = range.prefix & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((address[whole] ?? 0) & mask) === ((range.bytes[whole] ?? 0) & mask);
}

/**
 * Compiles `trustedProxies` once; throws `INVALID_OPTION` naming the entry it cannot read, so a
 * typo fails at startup instead of silently trusting nobody (or everybody).
 *
 * @example
 * ```ts
 * import { compileTrustedProxies } from 'custos/protect';
 *
 * const trusted = compileTrustedProxies(['loopback', '10.0.0.0/8']);
 * trusted('10.1.2.3', 0); // true: the socket peer is one of our proxies
 * ```
 */
export function compileTrustedProxies(list: TrustedProxies): TrustPredicate {
  if (!Array.isArray(list)) {
    throw new CustosError('INVALID_OPTION', "trustedProxies must be a list, e.g. ['loopback'] or ['10.0.0.0/8'].");
  }
  const ranges: Range[] = [];
  for (const entry of list) {
    const expanded = typeof entry === 'string' ? (KEYWORDS[entry.trim().toLowerCase()] ?? [entry.trim()]) : [];
    for (const text of expanded) {
      const range = parseRange(text);
      if (!range) {
        throw new CustosError(
          'INVALID_OPTION',
          `trustedProxies entry ${JSON.stringify(entry)} is not an IP address, a CIDR range (e.g. '10.0.0.0/8', 'fd00::/8') or one of 'loopback', 'linklocal', 'uniquelocal'.`,
        );
      }
      ranges.push(range);
    }
  }
  if (ranges.length === 0) return trustNobody;
  return (address) => {
    const bytes = addressBytes(address);
    return bytes !== null && ranges.some((range) => inRange(bytes, range));
  };
}

const trustNobody: TrustPredicate = () => false;
const compiled = new WeakMap<TrustedProxies, TrustPredicate>();

/** The predicate for a list (compiled once per list object) or the given predicate itself. */
export function toTrustPredicate(trust: ProxyTrust | undefined): TrustPredicate {
  if (trust === undefined) return trustNobody;
  if (typeof trust === 'function') return trust;
  let predicate = compiled.get(trust);
  if (!predicate) {
    predicate = compileTrustedProxies(trust);
    compiled.set(trust, predicate);
  }
  return predicate;
}
