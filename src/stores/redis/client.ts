import type { Cluster, Redis } from 'ioredis';
import type { LuaScript } from './scripts.js';

/** An ioredis client: a standalone `Redis` connection or a `Cluster`. */
export type RedisClient = Redis | Cluster;

/**
 * The few commands the store sends, typed narrowly. Both ioredis classes provide them; keeping
 * the shape here means the store never imports ioredis at run time (it is an optional peer).
 */
export interface RedisCommands {
  readonly isCluster?: boolean;
  evalsha(sha: string, numkeys: number, ...args: string[]): Promise<unknown>;
  eval(source: string, numkeys: number, ...args: string[]): Promise<unknown>;
  get(key: string): Promise<string | null>;
  incr(key: string): Promise<number>;
  zadd(key: string, ...args: string[]): Promise<unknown>;
  zrange(key: string, start: number, stop: number, withScores: 'WITHSCORES'): Promise<string[]>;
  zrangebyscore(key: string, min: string, max: string, withScores: 'WITHSCORES'): Promise<string[]>;
  zrevrangebyscore(
    key: string,
    max: string,
    min: string,
    withScores: 'WITHSCORES',
    limit: 'LIMIT',
    offset: number,
    count: number,
  ): Promise<string[]>;
  zrem(key: string, ...members: string[]): Promise<number>;
  del(...keys: string[]): Promise<number>;
  scan(cursor: string, ...args: (string | number)[]): Promise<[string, string[]]>;
  ping(): Promise<string>;
  nodes?(role: 'master'): RedisCommands[];
}

export function asCommands(client: RedisClient): RedisCommands {
  return client as unknown as RedisCommands;
}

/**
 * Runs an operation and rethrows any failure as a plain Error carrying only Redis' message.
 * ioredis attaches the full command (keys, sealed values) to its errors; the core keeps store
 * errors as `cause`, so they must not carry session data into logs (checklist STO-05).
 */
export async function guarded<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    throw scrubbed(error);
  }
}

export function scrubbed(error: unknown): Error {
  const message = error instanceof Error ? error.message : 'unknown failure';
  const clean = new Error(`redis store: ${message}`);
  clean.name = 'RedisStoreError';
  return clean;
}

/**
 * EVALSHA, falling back to EVAL when the server does not know the script yet (first call after
 * a restart or on a new cluster node). EVAL caches it, so later calls are one EVALSHA again.
 */
export async function runScript(
  client: RedisCommands,
  script: LuaScript,
  keys: readonly string[],
  args: readonly string[],
): Promise<unknown> {
  try {
    return await client.evalsha(script.sha, keys.length, ...keys, ...args);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw scrubbed(error);
  }
  return guarded(client.eval(script.source, keys.length, ...keys, ...args));
}

/** Every key matching `pattern`, in batches, from every master of a cluster or the one server. */
export async function* scanKeys(client: RedisCommands, pattern: string, count = 500): AsyncGenerator<string[]> {
  const servers = client.isCluster && client.nodes ? client.nodes('master') : [client];
  for (const server of servers) {
    let cursor = '0';
    do {
      const [next, keys] = await guarded(server.scan(cursor, 'MATCH', pattern, 'COUNT', count));
      cursor = next;
      if (keys.length > 0) yield keys;
    } while (cursor !== '0');
  }
}
