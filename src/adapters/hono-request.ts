import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import { resolveClient } from '../protect/proxy.js';
import { type HeaderSource, headerValue, type RequestLike } from '../vocabulary/request.js';
import type { AdapterOptionsFor } from './adapter-options.js';

/**
 * Options of every Hono middleware: the same shape on every adapter, with Hono's `c`. On
 * `@hono/node-server` the peer address is read from the socket; elsewhere pass the runtime's,
 * e.g. `remoteAddress: (c) => getConnInfo(c).remote.address` from `hono/bun` or `hono/deno`.
 */
export type AdapterOptions = AdapterOptionsFor<Context>;

/** @deprecated Use `AdapterOptions`, the one options type of every adapter. */
export type HonoAdapterOptions = AdapterOptions;

/**
 * The core's view of a Hono request, on @hono/node-server or any Fetch runtime.
 *
 * @example
 * ```ts
 * import { toRequestLike } from 'custos/hono';
 *
 * app.get('/login', (c) => {
 *   const { token, setCookie } = manager.preSessionCsrf(toRequestLike(c, { trustedProxies: ['loopback'] }));
 *   if (setCookie) c.header('set-cookie', setCookie, { append: true });
 *   return c.json({ csrfToken: token });
 * });
 * ```
 */
export function toRequestLike(c: Context, options: AdapterOptions = {}): RequestLike {
  // @hono/node-server passes the Node request as `c.env.incoming`; pure Fetch runtimes do not.
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  // There, Node's own header record: `c.req.raw.headers` would make the bridge build a `Headers`
  // object from the raw header list on every request, work a bare Hono app never asks for.
  const headers: HeaderSource = incoming?.headers ?? c.req.raw.headers;
  const client = resolveClient(
    {
      remoteAddress: options.remoteAddress?.(c) ?? incoming?.socket?.remoteAddress,
      encrypted: c.req.url.startsWith('https:'),
    },
    (name) => headerValue(headers, name),
    options.trustedProxies ?? [],
  );
  return {
    method: c.req.method,
    url: c.req.url,
    headers,
    remoteAddress: client.ip,
    secure: client.secure,
  };
}
