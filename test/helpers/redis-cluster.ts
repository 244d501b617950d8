import type { ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, killRedis, spawnRedisOnFreePort } from './redis-server.js';
import { waitFor } from './wait.js';

const run = promisify(execFile);

/** Three masters (no replicas) on free loopback ports, formed into one cluster. */
export interface PrivateCluster {
  readonly nodes: { host: string; port: number }[];
  /** Kills every node and removes the temp dir. */
  stop(): Promise<void>;
}

async function clusterOk(port: number): Promise<boolean> {
  try {
    const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'cluster', 'info']);
    return stdout.includes('cluster_state:ok');
  } catch {
    return false;
  }
}

export async function startRedisCluster(): Promise<PrivateCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'custos-redis-cluster-'));
  const children: ChildProcess[] = [];
  const ports: number[] = [];
  const stop = async () => {
    await Promise.all(children.map((child) => killRedis(child)));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < 3; i++) {
      const { child, port } = await spawnRedisOnFreePort(dir, async (port) => [
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        join(dir, `nodes-${port}.conf`),
        // The bus port is chosen too: the default (port + 10000) may be taken on a busy machine.
        '--cluster-port',
        String(await freePort()),
        '--cluster-node-timeout',
        '5000',
      ]);
      ports.push(port);
      children.push(child);
    }
    await run('redis-cli', [
      '--cluster',
      'create',
      ...ports.map((p) => `127.0.0.1:${p}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    for (const port of ports) await waitFor(`cluster_state:ok on ${port}`, () => clusterOk(port), 30_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { nodes: ports.map((port) => ({ host: '127.0.0.1', port })), stop };
}
