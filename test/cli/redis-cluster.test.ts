import { startRedisCluster } from '../helpers/redis-cluster.js';
import { cliScenarios } from './scenarios.js';

// A private three-master cluster: the per-user index, revokeAll and SCAN-based commands span slots.
cliScenarios('redis cluster', async () => {
  const cluster = await startRedisCluster();
  const hosts = cluster.nodes.map((n) => `${n.host}:${n.port}`).join(',');
  return { url: `redis-cluster://${hosts}?prefix=custos-cli:`, cleanup: () => cluster.stop() };
});
