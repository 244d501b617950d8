import { Redis } from 'ioredis';

/** The key prefix the runner gave this process (it watches MONITOR for it). */
export const benchPrefix = (fallback: string) => process.env.BENCH_PREFIX ?? `${fallback}:${process.pid}:`;

/** One ioredis client, loopback only, failing fast like the store's docs recommend. */
export function benchRedis(): Redis {
  return new Redis({ host: '127.0.0.1', port: 6379, enableOfflineQueue: true, maxRetriesPerRequest: 1 });
}

/** Deletes every key under the prefix when the target stops. */
export async function dropPrefix(client: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await client.del(...keys);
  } while (cursor !== '0');
}
