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

/** The servers that hold keys: every master of a cluster, or the one server. */
export function masters(client: Redis | Cluster): Redis[] {
  return 'nodes' in client && typeof client.nodes === 'function' ? client.nodes('master') : [client as Redis];
}

/** Deletes every key under a prefix; on a cluster, on every master. */
export async function dropKeysUnder(client: Redis | Cluster, prefix: string): Promise<void> {
  for (const server of masters(client)) {
    const keys = await keysUnder(server, prefix);
    // One DEL per key: on a cluster, keys of one call must share a slot.
    await Promise.all(keys.map((key) => server.del(key)));
  }
}

/**
 * Records the name of every command the client sends from now on (each one a round trip unless
 * pipelined), for tests that count what a store operation costs.
 */
export function recordCommands(client: Redis | Cluster): string[] {
  const sent: string[] = [];
  const original = client.sendCommand.bind(client);
  client.sendCommand = ((command: { name: string }, ...rest: unknown[]) => {
    sent.push(command.name);
    return (original as (...args: unknown[]) => unknown)(command, ...rest);
  }) as typeof client.sendCommand;
  return sent;
}
