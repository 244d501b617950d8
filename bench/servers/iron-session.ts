import { createServer } from 'node:http';
import { getIronSession } from 'iron-session';
import { BENCH_SECRET, serve } from './common.js';
import { nextUserId } from './session-ops.js';

type Data = { n?: number; userId?: string };

await serve(async () => {
  const options = { password: BENCH_SECRET, cookieName: 'iron', cookieOptions: { secure: false } };
  let counter = 0;
  return {
    server: createServer(async (req, res) => {
      const session = await getIronSession<Data>(req, res, options);
      res.setHeader('content-type', 'text/plain');
      switch (req.url) {
        case '/read':
          res.end(String(session.n ?? 0));
          return;
        case '/write':
          session.n = ++counter;
          await session.save();
          break;
        case '/new':
          session.n = 1;
          await session.save();
          break;
        case '/login':
          // A sealed cookie has no server-side id: "rotation" is a fresh seal of the new identity.
          session.userId = nextUserId();
          await session.save();
          break;
      }
      res.end('ok');
    }),
  };
});
