import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import type { SessionOps } from './session-ops.js';

type Handler = (request: Request) => Response | Promise<Response>;

/**
 * The four scenario routes as one plain Fetch handler (no framework), served on Node through
 * @hono/node-server's `Request`/`Response` bridge, the way a Fetch-style app runs on Node.
 * `wrap` puts the session layer around the handler; the bare target passes the handler through.
 */
export function fetchServer<C>(
  wrap: (handler: (request: Request, ctx: C | null) => Promise<Response>) => Handler,
  ops: SessionOps<C> | null,
): Server {
  let counter = 0;
  const handler = async (request: Request, ctx: C | null): Promise<Response> => {
    const path = new URL(request.url).pathname;
    if (path === '/read') return new Response(String((ctx && ops?.read(ctx)) ?? 0));
    if (path === '/write') {
      if (ctx) ops?.write(ctx, ++counter);
      return new Response('ok');
    }
    if (path === '/new') {
      if (ctx) ops?.write(ctx, 1);
      return new Response('ok');
    }
    if (path === '/login') {
      if (ctx) await ops?.login(ctx);
      return new Response('ok');
    }
    return new Response('not found', { status: 404 });
  };
  return createAdaptorServer({ fetch: wrap(handler) }) as Server;
}
