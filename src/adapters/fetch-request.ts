import { resolveClient, type TrustedProxies } from '../protect/proxy.js';
import { noteIgnoredForwarding } from '../protect/proxy-warning.js';
import type { RequestLike } from '../vocabulary/request.js';

/**
 * Options of `sessions`, `csrf` and `enforceHttps`: the same shape on every adapter, with the
 * Fetch `Request` (and whatever else your runtime passes the handler, `A`). No socket here:
 * without `remoteAddress` the peer is unknown and only the URL's scheme says HTTPS.
 *
 * @example
 * // Bun: Bun.serve({ fetch: (request, server) => handler(request, server) })
 * sessions(manager, route, { remoteAddress: (request, server) => server.requestIP(request)?.address });
 */
export interface AdapterOptions<A extends unknown[] = []> {
  /**
   * Peers (by `remoteAddress`) whose `X-Forwarded-*` headers are believed: addresses, CIDR
   * ranges or `'loopback'` / `'linklocal'` / `'uniquelocal'`. @default [] (the URL's scheme decides)
   */
  trustedProxies?: TrustedProxies;
  /**
   * The peer address, e.g. Bun's `server.requestIP(request)?.address`, Deno's `info.remoteAddr.hostname`.
   * A plain string (the shape `loadSession` and `toRequestLike` took first) still works there.
   */
  remoteAddress?: ((request: Request, ...rest: A) => string | undefined) | string;
}

/** @deprecated Use `AdapterOptions`, the one options type of every adapter. */
export type FetchAdapterOptions = AdapterOptions;

function peerAddress<A extends unknown[]>(options: AdapterOptions<A>, request: Request, rest: A): string | undefined {
  const { remoteAddress } = options;
  return typeof remoteAddress === 'function' ? remoteAddress(request, ...rest) : remoteAddress;
}

/**
 * The core's view of a Fetch `Request`: the scheme from its URL, or from a trusted proxy.
 *
 * @example
 * ```ts
 * import { respondWithSession, toRequestLike } from 'custos/fetch';
 *
 * const behindProxy = toRequestLike(request, { trustedProxies: ['loopback'] });
 * return respondWithSession(manager, behindProxy, async (session) => new Response(session.userId ?? 'guest'));
 * ```
 */
export function toRequestLike(request: Request, options: AdapterOptions = {}): RequestLike {
  const remoteAddress = peerAddress(options, request, []);
  const encrypted = request.url.startsWith('https:');
  const header = (name: string) => request.headers.get(name) ?? undefined;
  if (options.trustedProxies === undefined) {
    if (!encrypted) noteIgnoredForwarding(header('x-forwarded-proto'), 'untrusted-peer');
    return { method: request.method, url: request.url, headers: request.headers, remoteAddress, secure: encrypted };
  }
  const client = resolveClient({ remoteAddress, encrypted }, header, options.trustedProxies);
  return {
    method: request.method,
    url: request.url,
    headers: request.headers,
    remoteAddress: client.ip,
    secure: client.secure,
  };
}

/** `toRequestLike` with the peer address asked of the handler's own arguments. */
export function requestLikeOf<A extends unknown[]>(request: Request, rest: A, options: AdapterOptions<A>): RequestLike {
  return toRequestLike(request, {
    remoteAddress: peerAddress(options, request, rest),
    trustedProxies: options.trustedProxies,
  });
}
