import { normaliseAddress, type ProxyTrust, toTrustPredicate } from './proxy-trust.js';
import { noteIgnoredForwarding } from './proxy-warning.js';

export type { ProxyTrust, TrustedProxies, TrustPredicate } from './proxy-trust.js';
export { compileTrustedProxies } from './proxy-trust.js';

export interface ResolvedClient {
  readonly ip: string | undefined;
  readonly secure: boolean;
  /** The host the client asked for, from `Host` or a trusted `X-Forwarded-Host`. */
  readonly host: string | undefined;
}

export function isTrustedProxy(address: string | undefined, trusted: ProxyTrust, hop = 0): boolean {
  return address !== undefined && toTrustPredicate(trusted)(normaliseAddress(address), hop);
}

const list = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * The value the outermost trusted proxy wrote. Each trusted hop appends one value (or the first
 * overwrites the header), so the one `trustedHops` from the right is what the proxy that faced
 * the client saw; anything further left came from the client itself and is never believed
 * (the same rule as `X-Forwarded-For`, RFC 7239 §5.2 / §8.1).
 */
function fromTrustedHop(value: string | undefined, trustedHops: number): string | undefined {
  const values = list(value);
  if (values.length === 0) return undefined;
  return values[Math.max(0, values.length - trustedHops)];
}

/**
 * The client as the app should see it: forwarded headers count only from a trusted peer.
 *
 * @example
 * ```ts
 * import { resolveClient } from 'custos/protect';
 *
 * const peer = { remoteAddress: req.socket.remoteAddress, encrypted: false };
 * const client = resolveClient(peer, (name) => req.headers[name] as string | undefined, ['loopback']);
 * // behind a local nginx: client.ip from X-Forwarded-For, client.secure from X-Forwarded-Proto
 * ```
 */
export function resolveClient(
  peer: { remoteAddress: string | undefined; encrypted: boolean },
  header: (name: string) => string | undefined,
  trust: ProxyTrust,
): ResolvedClient {
  const peerAddress = peer.remoteAddress === undefined ? undefined : normaliseAddress(peer.remoteAddress);
  const direct = { ip: peerAddress, secure: peer.encrypted, host: header('host') };
  const trusted = toTrustPredicate(trust);
  if (peerAddress === undefined || !trusted(peerAddress, 0)) {
    if (!peer.encrypted) noteIgnoredForwarding(header('x-forwarded-proto'), 'untrusted-peer');
    return direct;
  }
  // The right-most address not belonging to a trusted proxy is the client (RFC 7239 practice).
  const chain = list(header('x-forwarded-for'));
  let ip = peerAddress;
  let trustedHops = 1;
  for (let i = chain.length - 1; i >= 0; i--) {
    ip = normaliseAddress(chain[i] as string);
    if (i === 0 || !trusted(ip, trustedHops)) break;
    trustedHops++;
  }
  const proto = fromTrustedHop(header('x-forwarded-proto'), trustedHops)?.toLowerCase();
  const secure = proto === undefined ? direct.secure : proto === 'https';
  if (!secure) noteIgnoredForwarding(header('x-forwarded-proto'), 'client-supplied');
  return { ip, secure, host: fromTrustedHop(header('x-forwarded-host'), trustedHops) ?? direct.host };
}
