import { Redis } from 'ioredis';

/** Commands that change data; counted whether sent directly or run inside a Lua script. */
const WRITES = new Set([
  'set',
  'setex',
  'psetex',
  'setnx',
  'getex',
  'getdel',
  'del',
  'unlink',
  'expire',
  'pexpire',
  'expireat',
  'pexpireat',
  'persist',
  'hset',
  'hmset',
  'hsetnx',
  'hdel',
  'hincrby',
  'incr',
  'incrby',
  'zadd',
  'zrem',
  'zremrangebyscore',
  'sadd',
  'srem',
  'lpush',
  'rpush',
  'lrem',
  'rename',
]);

export interface CommandCount {
  /** Commands the app sent over the wire (EVALSHA counts once): the round trips. */
  roundTrips: number;
  /** Data-changing commands, including those run inside scripts. */
  writes: number;
}

/**
 * Watches Redis `MONITOR` on a side connection and counts commands whose arguments mention
 * `prefix` (other processes, such as test runs, share this Redis).
 */
export async function monitorRedis(): Promise<{ count(prefix: string): CommandCount; close(): void }> {
  const client = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
  await client.connect();
  const monitor = await client.monitor();
  const seen: Array<{ source: string; args: string[] }> = [];
  let listening = false;
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (listening) seen.push({ source, args });
  });
  listening = true;
  return {
    count(prefix: string) {
      const mine = seen.filter((c) => c.args.some((a) => typeof a === 'string' && a.startsWith(prefix)));
      seen.length = 0;
      return {
        roundTrips: mine.filter((c) => c.source !== 'lua').length,
        writes: mine.filter((c) => WRITES.has(String(c.args[0]).toLowerCase())).length,
      };
    },
    close() {
      listening = false;
      monitor.disconnect();
      client.disconnect();
    },
  };
}
