import { isLoopbackAddress } from '../core/request.js';

/**
 * Which peers may tell us the client's address, scheme and host through `X-Forwarded-*`
 * (checklist TLS-06). `'loopback'` matches 127.0.0.0/8 and ::1. Anyone else's headers are ignored.
 */
export type TrustedProxies = readonly string[];

export interface ResolvedClient {
  readonly ip: string | undefined;
  readonly secure: boolean;
  /** The host the client asked for, from `Host` or a trusted `X-Forwarded-Host`. */
  readonly host: string | undefined;
}

function normalise(address: string | undefined): string | undefined {
  return address?.startsWith('::ffff:') ? address.slice(7) : address;
}

export function isTrustedProxy(address: string | undefined, trusted: TrustedProxies): boolean {
  const peer = normalise(address);
  if (peer === undefined || trusted.length === 0) return false;
  return trusted.some((entry) => (entry === 'loopback' ? isLoopbackAddress(peer) : normalise(entry) === peer));
}

const first = (value: string | undefined) => value?.split(',')[0]?.trim() || undefined;

/** The client as the app should see it: forwarded headers count only from a trusted peer. */
export function resolveClient(
  peer: { remoteAddress: string | undefined; encrypted: boolean },
  header: (name: string) => string | undefined,
  trusted: TrustedProxies,
): ResolvedClient {
  const direct = { ip: normalise(peer.remoteAddress), secure: peer.encrypted, host: header('host') };
  if (!isTrustedProxy(peer.remoteAddress, trusted)) return direct;
  // The right-most address not belonging to a trusted proxy is the client (RFC 7239 practice).
  const chain = (header('x-forwarded-for') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  let ip = direct.ip;
  for (let i = chain.length - 1; i >= 0; i--) {
    ip = chain[i];
    if (!isTrustedProxy(ip, trusted)) break;
  }
  const proto = first(header('x-forwarded-proto'))?.toLowerCase();
  return {
    ip,
    secure: proto === undefined ? direct.secure : proto === 'https',
    host: first(header('x-forwarded-host')) ?? direct.host,
  };
}
