import type { Cluster, ClusterOptions, Redis, RedisOptions } from 'ioredis';
import { CustosError } from '../errors.js';
import {
  loadPeer,
  type OpenedStore,
  redactUrl,
  type StoreUrlOptions,
  unreachable,
  withDeadline,
} from './opened-store.js';

type IoRedis = typeof import('ioredis');

/**
 * Fail-fast settings (checklist STO-04): commands reject instead of queueing while Redis is down,
 * and the client keeps reconnecting in the background so requests succeed again when it is back.
 */
const FAIL_FAST: RedisOptions = {
  lazyConnect: true,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  commandTimeout: 1_500,
  retryStrategy: (times: number) => Math.min(times * 200, 2_000),
};

/** `prefix` is ours, not an ioredis option: take it out of the query string. */
function splitPrefix(url: string): { rest: string; prefix: string | undefined } {
  const q = url.indexOf('?');
  if (q < 0) return { rest: url, prefix: undefined };
  const params = new URLSearchParams(url.slice(q + 1));
  const prefix = params.get('prefix') ?? undefined;
  params.delete('prefix');
  const query = params.toString();
  return { rest: url.slice(0, q) + (query ? `?${query}` : ''), prefix };
}

export async function openRedis(url: string, options: StoreUrlOptions): Promise<OpenedStore> {
  const { Redis } = await loadPeer<IoRedis>('ioredis', 'redis://');
  const { rest, prefix } = splitPrefix(url);
  const timeout = options.connectTimeout ?? 3_000;
  const where = `redis ${hostOf(rest)}${prefix ? ` (prefix ${prefix})` : ''}`;
  const client: Redis = new Redis(rest, { ...FAIL_FAST, connectTimeout: timeout });
  return finish(client, where, prefix, timeout, async () => timeOf(await client.time()));
}

export async function openRedisCluster(url: string, options: StoreUrlOptions): Promise<OpenedStore> {
  const { Cluster } = await loadPeer<IoRedis>('ioredis', 'redis-cluster://');
  const { rest, prefix } = splitPrefix(url);
  const hosts = rest.slice('redis-cluster://'.length).replace(/\/.*$/, '');
  const nodes = hosts
    .split(',')
    .filter((h) => h.length > 0)
    .map((h) => {
      const [host = '', port = '6379'] = h.split(':');
      if (!host || !/^\d+$/.test(port))
        throw new CustosError('INVALID_OPTION', `bad cluster node ${JSON.stringify(h)}`);
      return { host, port: Number(port) };
    });
  if (nodes.length === 0) throw new CustosError('INVALID_OPTION', 'redis-cluster:// needs at least one host:port');
  const timeout = options.connectTimeout ?? 3_000;
  const clusterOptions: ClusterOptions = {
    lazyConnect: true,
    enableOfflineQueue: false,
    clusterRetryStrategy: (times: number) => Math.min(times * 200, 2_000),
    redisOptions: { maxRetriesPerRequest: 1, connectTimeout: timeout, commandTimeout: 1_500 },
  };
  const client: Cluster = new Cluster(nodes, clusterOptions);
  const where = `redis cluster ${hosts}${prefix ? ` (prefix ${prefix})` : ''}`;
  return finish(client, where, prefix, timeout, async () => {
    const master = client.nodes('master')[0];
    if (!master) throw new Error('no master node');
    return timeOf(await master.time());
  });
}

async function finish(
  client: Redis | Cluster,
  where: string,
  prefix: string | undefined,
  timeout: number,
  serverTime: () => Promise<number>,
): Promise<OpenedStore> {
  // Without a listener ioredis prints every connection error to the console.
  let lastError: unknown;
  client.on('error', (error: unknown) => {
    lastError = error;
  });
  try {
    await withDeadline(client.connect(), timeout, where);
  } catch (error) {
    client.disconnect();
    throw error instanceof CustosError ? error : unreachable(where, lastError ?? error);
  }
  const { redisStore } = await import('./redis/index.js');
  const store = redisStore(prefix === undefined ? { client } : { client, prefix });
  return {
    store,
    description: where,
    serverTime,
    close: async () => {
      await store.close();
      client.disconnect();
    },
  };
}

function timeOf([seconds, micros]: [string, string] | (string | number)[]): number {
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}

function hostOf(url: string): string {
  const redacted = redactUrl(url);
  return redacted.replace(/^[a-z]+:\/\/(?:[^@/]*@)?/i, '').replace(/[/?].*$/, '') || '127.0.0.1:6379';
}
