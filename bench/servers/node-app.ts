import { createServer, type Server } from 'node:http';
import { withSessions } from '../../src/adapters/node.js';
import type { SessionManager } from '../../src/core/manager.js';
import { nextUserId } from './session-ops.js';

/** The four scenario routes on plain `node:http` through custos/node, for any manager (store). */
export function custosNodeServer(manager: SessionManager<{ n: number }>): Server {
  let counter = 0;
  const handler = withSessions<{ n: number }>(manager, async (req, res) => {
    res.setHeader('content-type', 'text/plain');
    switch (req.url) {
      case '/read':
        res.end(String(req.session.get('n') ?? 0));
        return;
      case '/write':
        req.session.set('n', ++counter);
        break;
      case '/new':
        req.session.set('n', 1);
        break;
      case '/login':
        await req.session.login(nextUserId());
        break;
    }
    res.end('ok');
  });
  return createServer(handler);
}
