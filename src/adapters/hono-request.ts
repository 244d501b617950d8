import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import { resolveClient, type TrustedProxies } from '../protect/proxy.js';
import type { RequestLike } from '../vocabulary/request.js';

/** Options every Hono middleware takes: whose forwarded headers to believe, and where the peer address comes from. */
export interface HonoAdapterOptions {
  /** Peers whose `X-Forwarded-*` headers are believed: addresses, CIDR ranges or `'loopback'` / `'linklocal'` / `'uniquelocal'`. @default [] */
  trustedProxies?: TrustedProxies;
  /**
   * The peer address. On `@hono/node-server` it is read from the socket; elsewhere pass the
   * runtime's, e.g. `(c) => getConnInfo(c).remote.address` from `hono/bun` or `hono/deno`.
   */
  remoteAddress?: (c: Context) => string | undefined;
}

/** The core's view of a Hono request, on @hono/node-server or any Fetch runtime. */
export function toRequestLike(c: Context, options: HonoAdapterOptions = {}): RequestLike {
  // @hono/node-server passes the Node request as `c.env.incoming`; pure Fetch runtimes do not.
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  const client = resolveClient(
    {
      remoteAddress: options.remoteAddress?.(c) ?? incoming?.socket?.remoteAddress,
      encrypted: c.req.url.startsWith('https:'),
    },
    (name) => c.req.header(name),
    options.trustedProxies ?? [],
  );
  return {
    method: c.req.method,
    url: c.req.url,
    headers: c.req.raw.headers,
    remoteAddress: client.ip,
    secure: client.secure,
  };
}
