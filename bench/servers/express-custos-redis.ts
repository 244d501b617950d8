import { createServer } from 'node:http';
import { sessions } from '../../src/adapters/express.js';
import type { SessionStore } from '../../src/stores/contract.js';
import { dropKeysUnder } from '../../test/helpers/redis-keys.js';
import { optionalModule, serve } from './common.js';
import { benchManager } from './custos-manager.js';
import { custosOps, expressApp } from './express-app.js';
import { benchPrefix, benchRedis } from './redis-client.js';

await serve(async () => {
  const { redisStore } = await optionalModule<{ redisStore(o: object): SessionStore }>('src/stores/redis/index');
  const client = benchRedis();
  const prefix = benchPrefix('bench:cx');
  const manager = benchManager(redisStore({ client, prefix }));
  return {
    server: createServer(expressApp([sessions(manager)], custosOps)),
    close: async () => {
      await dropKeysUnder(client, prefix);
      client.disconnect();
    },
  };
});
