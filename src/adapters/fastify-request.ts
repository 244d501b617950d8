import type { FastifyRequest } from 'fastify';
import { normaliseAddress } from '../protect/proxy-trust.js';
import { noteIgnoredForwarding } from '../protect/proxy-warning.js';
import type { RequestLike } from '../vocabulary/request.js';
import { type TrustPredicate, toRequestLike } from './node-shared.js';

/**
 * The core's view of a Fastify request. With an explicit `trustedProxies` custos decides; without
 * one, Fastify's own `trustProxy` does: `request.protocol` and `request.ip` already read the
 * right-most forwarded values, and only from a peer Fastify trusts.
 */
export function fastifyRequestLike(
  request: FastifyRequest,
  trust: TrustPredicate | undefined,
  remoteAddress?: (request: FastifyRequest) => string | undefined,
): RequestLike {
  const raw = request.raw;
  const peer = remoteAddress?.(request);
  // A peer address of the app's own: Fastify's `request.ip` no longer describes it, so custos decides.
  if (trust !== undefined || peer !== undefined) return toRequestLike(raw, trust ?? [], peer);
  const secure = request.protocol === 'https';
  const proto = secure ? undefined : headerText(raw.headers['x-forwarded-proto']);
  if (proto !== undefined) {
    // Fastify lists more than the socket peer in `ips` only when it trusted that peer.
    noteIgnoredForwarding(proto, (request.ips?.length ?? 0) > 1 ? 'client-supplied' : 'untrusted-peer');
  }
  return {
    method: raw.method ?? 'GET',
    url: raw.url ?? '/',
    headers: raw.headers,
    remoteAddress: request.ip === undefined ? undefined : normaliseAddress(request.ip),
    secure,
  };
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
