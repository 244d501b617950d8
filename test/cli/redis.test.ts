import { randomBytes } from 'node:crypto';
import { dropRedisPrefix } from './redis-prefix.js';
import { restoreRevocationScenarios } from './restore-scenarios.js';
import { cliScenarios } from './scenarios.js';

const REDIS_URL = process.env.CUSTOS_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

const target = async () => {
  const prefix = `custos-cli-test:${randomBytes(6).toString('hex')}:`;
  return { url: `${REDIS_URL}?prefix=${prefix}`, cleanup: () => dropRedisPrefix(prefix) };
};

cliScenarios('redis', target);
restoreRevocationScenarios('redis', target);
