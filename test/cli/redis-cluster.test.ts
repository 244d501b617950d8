import { startRedisCluster } from '../helpers/redis-cluster.js';
import { restoreRevocationScenarios } from './restore-scenarios.js';
import { cliScenarios } from './scenarios.js';

// A private three-master cluster: the per-user index, revokeAll and SCAN-based commands span slots.
const target = async () => {
  const cluster = await startRedisCluster();
  const hosts = cluster.nodes.map((n) => `${n.host}:${n.port}`).join(',');
  return { url: `redis-cluster://${hosts}?prefix=custos-cli:`, cleanup: () => cluster.stop() };
};

cliScenarios('redis cluster', target);
restoreRevocationScenarios('redis cluster', target);
