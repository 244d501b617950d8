import { Redis } from 'ioredis';

/** The key prefix the runner gave this process (it watches MONITOR for it). */
export const benchPrefix = (fallback: string) => process.env.BENCH_PREFIX ?? `${fallback}:${process.pid}:`;

/** One ioredis client, loopback only, failing fast like the store's docs recommend. */
export function benchRedis(): Redis {
  return new Redis({ host: '127.0.0.1', port: 6379, enableOfflineQueue: true, maxRetriesPerRequest: 1 });
}
