import { createServer } from 'node:http';
import RedisStore from 'connect-redis';
import session from 'express-session';
import { dropKeysUnder } from '../../test/helpers/redis-keys.js';
import { BENCH_SECRET, serve } from './common.js';
import { expressApp, expressSessionOps } from './express-app.js';
import { benchPrefix, benchRedis } from './redis-client.js';

await serve(async () => {
  const client = benchRedis();
  const prefix = benchPrefix('bench:es');
  // connect-redis defaults: touch enabled (express-session calls it on unmodified sessions).
  const store = new RedisStore({ client, prefix });
  const middleware = session({ secret: BENCH_SECRET, resave: false, saveUninitialized: false, store });
  return {
    server: createServer(expressApp([middleware], expressSessionOps)),
    close: async () => {
      await dropKeysUnder(client, prefix);
      client.disconnect();
    },
  };
});
