import type { Cluster, Redis } from 'ioredis';

/** Every key under a prefix (SCAN, never KEYS), as an operator's dump would find them. */
export async function keysUnder(client: Redis, prefix: string): Promise<string[]> {
  const found = new Set<string>();
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) found.add(key);
  } while (cursor !== '0');
  return [...found];
}

/** Deletes every key under a prefix; on a cluster, on every master. */
export async function dropKeysUnder(client: Redis | Cluster, prefix: string): Promise<void> {
  const servers = 'nodes' in client && typeof client.nodes === 'function' ? client.nodes('master') : [client as Redis];
  for (const server of servers) {
    const keys = await keysUnder(server, prefix);
    // One DEL per key: on a cluster, keys of one call must share a slot.
    await Promise.all(keys.map((key) => server.del(key)));
  }
}
