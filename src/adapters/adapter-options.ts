import type { TrustedProxies } from '../protect/proxy.js';

/**
 * The options every adapter's `sessions` and `csrf` take, in one shape; each subpath exports it
 * as `AdapterOptions`, with `Req` its framework's request (Express `req`, Fastify `request`,
 * Koa `ctx`, Hono `c`, node:http `req`, Fetch `request`).
 */
export interface AdapterOptionsFor<Req> {
  /**
   * Peers whose `X-Forwarded-*` headers are believed: addresses, CIDR ranges (`'10.0.0.0/8'`)
   * or `'loopback'` / `'linklocal'` / `'uniquelocal'`. Unset: the framework's own proxy setting
   * decides where it has one (Express `trust proxy`, Fastify `trustProxy`, Koa `app.proxy`);
   * elsewhere nobody is trusted. @default unset
   */
  trustedProxies?: TrustedProxies;
  /**
   * The peer (socket) address, where the framework's request does not carry it: a Fetch runtime
   * (`server.requestIP(request)?.address` in Bun, `info.remoteAddr.hostname` in Deno), a Unix
   * socket behind a proxy. Forwarded headers from it count only if `trustedProxies` lists it.
   * @default the socket's address, where there is a socket
   */
  remoteAddress?: (request: Req) => string | undefined;
}
