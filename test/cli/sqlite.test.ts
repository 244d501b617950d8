import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { restoreRevocationScenarios } from './restore-scenarios.js';
import { cliScenarios } from './scenarios.js';

const target = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'custos-cli-sqlite-'));
  return { url: `sqlite:${join(dir, 'sessions.db')}`, cleanup: () => rm(dir, { recursive: true, force: true }) };
};

cliScenarios('sqlite', target);
restoreRevocationScenarios('sqlite', target);
