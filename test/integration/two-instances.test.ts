import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { postgresStore } from '../../src/stores/postgres/index.js';
import { redisStore } from '../../src/stores/redis/index.js';
import { sqliteStore } from '../../src/stores/sqlite/index.js';
import { dropSchema, testPool, uniqueSchema } from '../helpers/postgres.js';
import { dropKeys, openRedis, uniquePrefix } from './support/redis.js';
import { revocationIsSharedAtOnce } from './support/scenarios.js';

const dir = mkdtempSync(join(tmpdir(), 'custos-it-two-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('two app instances sharing one store: revocation on A is seen by B at once', () => {
  it('SQLite (two connections to the same file)', async () => {
    const path = join(dir, 'shared.db');
    const a = sqliteStore({ path });
    const b = sqliteStore({ path });
    try {
      await revocationIsSharedAtOnce(a, b);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('Redis (two clients, one prefix)', async () => {
    const prefix = uniquePrefix('two');
    const [one, two] = [await openRedis(), await openRedis()];
    try {
      await revocationIsSharedAtOnce(
        redisStore({ client: one.client, prefix }),
        redisStore({ client: two.client, prefix }),
      );
    } finally {
      await dropKeys(one.client, prefix);
      await one.client.quit();
      await two.client.quit();
    }
  });

  it('PostgreSQL (two pools, one schema)', async () => {
    const schema = uniqueSchema('it_two');
    const [poolA, poolB] = [testPool({ max: 2 }), testPool({ max: 2 })];
    const a = postgresStore({ pool: poolA, schema });
    const b = postgresStore({ pool: poolB, schema });
    try {
      await Promise.all([a.migrate(), b.migrate()]);
      await revocationIsSharedAtOnce(a, b);
    } finally {
      await a.close();
      await b.close();
      await dropSchema(poolA, schema);
      await poolA.end();
      await poolB.end();
    }
  });
});
