import { afterAll, beforeAll, describe, it } from 'vitest';
import { postgresStore } from '../../src/stores/postgres/index.js';
import { redisStore } from '../../src/stores/redis/index.js';
import { dropSchema, testPool, uniqueSchema } from '../helpers/postgres.js';
import { dropKeys, openRedis, uniquePrefix } from './support/redis.js';
import { parallelWritesLoseNothing } from './support/scenarios.js';

/** 150 requests plus contended CAS retries on a shared 2-core machine: more than the default 30 s budget. */
const HEAVY_TEST_MS = 90_000;

describe('parallel writes through Express on Redis', () => {
  const prefix = uniquePrefix('concurrency');
  let redis: Awaited<ReturnType<typeof openRedis>>;
  beforeAll(async () => {
    redis = await openRedis();
  });
  afterAll(async () => {
    await dropKeys(redis.client, prefix);
    await redis.client.quit();
  });

  it(
    '100 parallel distinct fields and 50 parallel increments lose nothing',
    async () => {
      await parallelWritesLoseNothing(redisStore({ client: redis.client, prefix }));
    },
    HEAVY_TEST_MS,
  );
});

describe('parallel writes through Express on PostgreSQL', () => {
  const schema = uniqueSchema('it_concurrency');
  const pool = testPool({ max: 4 });
  afterAll(async () => {
    await dropSchema(pool, schema);
    await pool.end();
  });

  it(
    '100 parallel distinct fields and 50 parallel increments lose nothing',
    async () => {
      const store = postgresStore({ pool, schema });
      await store.migrate();
      await parallelWritesLoseNothing(store);
      await store.close();
    },
    HEAVY_TEST_MS,
  );
});
