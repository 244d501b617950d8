import { randomBytes } from 'node:crypto';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { dropKeysUnder, keysUnder as keysOn, masters } from '../../helpers/redis-keys.js';

/** The shared Redis every machine runs for tests. */
export const TEST_REDIS_URL = process.env.CUSTOS_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * The fail-fast client options from the Redis store's TSDoc (checklist STO-04): commands reject
 * while the connection is down instead of queueing until the server returns.
 */
export const FAIL_FAST: RedisOptions = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  connectTimeout: 1_000,
  commandTimeout: 1_000,
  retryStrategy: (times) => Math.min(times * 100, 500),
};

/** A key prefix no other test file or run uses. */
export function uniquePrefix(label: string): string {
  return `custos-it:${label}:${randomBytes(5).toString('hex')}:`;
}

/** Opens a standalone client and waits until it is ready (connection errors are counted, not thrown). */
export async function openRedis(url = TEST_REDIS_URL, options: RedisOptions = FAIL_FAST) {
  const errors: Error[] = [];
  const client = new Redis(url, options);
  client.on('error', (error: Error) => errors.push(error));
  await new Promise<void>((resolve) => client.once('ready', () => resolve()));
  return { client, errors };
}

export async function openCluster(nodes: { host: string; port: number }[]): Promise<Cluster> {
  const client = new Cluster(nodes, {
    enableOfflineQueue: false,
    redisOptions: { maxRetriesPerRequest: 1, connectTimeout: 2_000, commandTimeout: 2_000 },
  });
  client.on('error', () => {});
  await new Promise<void>((resolve) => client.once('ready', () => resolve()));
  return client;
}

/** Every key under `prefix` on every master, with the server that holds it (for dumps). */
export async function keysUnder(client: Redis | Cluster, prefix: string): Promise<Array<{ node: Redis; key: string }>> {
  const found: Array<{ node: Redis; key: string }> = [];
  for (const node of masters(client)) for (const key of await keysOn(node, prefix)) found.push({ node, key });
  return found;
}

/** Deletes every key under `prefix`. */
export const dropKeys = dropKeysUnder;
