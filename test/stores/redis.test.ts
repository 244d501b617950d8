import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { redisStore } from '../../src/stores/redis/index.js';
import { makeRecord, makeSealedValue } from '../../src/testing/records.js';
import { runStoreConformance } from '../../src/testing/store-conformance.js';

const REDIS_URL = process.env.CUSTOS_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const runPrefix = `custos-test:${randomBytes(6).toString('hex')}:`;
let namespaces = 0;
const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });

/** A prefix no other test (or run) uses. */
function uniquePrefix(): string {
  return `${runPrefix}${++namespaces}:`;
}

async function keysUnder(prefix: string): Promise<string[]> {
  const found = new Set<string>();
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) found.add(key);
  } while (cursor !== '0');
  return [...found];
}

async function dropKeys(prefix: string): Promise<void> {
  const keys = await keysUnder(prefix);
  if (keys.length > 0) await client.del(...keys);
}

afterAll(async () => {
  await dropKeys(runPrefix);
  await client.quit();
});

runStoreConformance(
  'redis',
  async () => {
    const prefix = uniquePrefix();
    return { store: redisStore({ client, prefix }), cleanup: () => dropKeys(prefix) };
  },
  { describe, it, beforeEach, afterEach },
);
