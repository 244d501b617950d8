import { createServer } from 'node:http';
import { withSessions } from '../../src/adapters/node.js';
import type { SessionStore } from '../../src/stores/contract.js';
import { optionalModule, serve } from './common.js';
import { benchManager } from './custos-manager.js';

await serve(async () => {
  const { cookieStore } = await optionalModule<{ cookieStore(o?: object): SessionStore }>('src/stores/cookie/index');
  let counter = 0;
  // No revocation store: the same guarantees as iron-session (the cookie alone is the session).
  const handler = withSessions<{ n: number }>(benchManager(cookieStore()) as never, async (req, res) => {
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
        await req.session.login('user-42');
        break;
    }
    res.end('ok');
  });
  return { server: createServer(handler) };
});
