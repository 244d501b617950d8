import { Redis } from 'ioredis';
import { dropKeysUnder } from '../helpers/redis-keys.js';

const REDIS_URL = process.env.CUSTOS_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Deletes every key under a prefix (SCAN, never KEYS). */
export async function dropRedisPrefix(prefix: string): Promise<void> {
  const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    await dropKeysUnder(client, prefix);
  } finally {
    client.disconnect();
  }
}
