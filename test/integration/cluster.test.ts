import { afterAll, beforeAll, describe, it } from 'vitest';
import { redisStore } from '../../src/stores/redis/index.js';
import { type PrivateCluster, startRedisCluster } from '../helpers/redis-cluster.js';
import { dropKeys, openCluster, uniquePrefix } from './support/redis.js';
import { parallelWritesLoseNothing, revocationIsSharedAtOnce } from './support/scenarios.js';

/** 150 requests plus contended CAS retries on a shared 2-core machine: more than the default 30 s budget. */
const HEAVY_TEST_MS = 90_000;

// One private 3-master cluster for this whole file (starting one costs a few seconds).
let cluster: PrivateCluster;
let clients: Awaited<ReturnType<typeof openCluster>>[] = [];

beforeAll(async () => {
  cluster = await startRedisCluster();
  clients = [await openCluster(cluster.nodes), await openCluster(cluster.nodes)];
});

afterAll(async () => {
  for (const client of clients) await client.quit();
  await cluster?.stop();
});

describe('Redis Cluster through Express', () => {
  it(
    '100 parallel distinct fields and 50 parallel increments lose nothing',
    async () => {
      const prefix = uniquePrefix('cluster-writes');
      try {
        await parallelWritesLoseNothing(redisStore({ client: clients[0]!, prefix }));
      } finally {
        await dropKeys(clients[0]!, prefix);
      }
    },
    HEAVY_TEST_MS,
  );

  it(
    'two instances with their own cluster clients: revocation on A is seen by B at once',
    async () => {
      const prefix = uniquePrefix('cluster-two');
      try {
        await revocationIsSharedAtOnce(
          redisStore({ client: clients[0]!, prefix }),
          redisStore({ client: clients[1]!, prefix }),
        );
      } finally {
        await dropKeys(clients[0]!, prefix);
      }
    },
    HEAVY_TEST_MS,
  );
});
