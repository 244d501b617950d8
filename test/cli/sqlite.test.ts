import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliScenarios } from './scenarios.js';

cliScenarios('sqlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'custos-cli-sqlite-'));
  return { url: `sqlite:${join(dir, 'sessions.db')}`, cleanup: () => rm(dir, { recursive: true, force: true }) };
});
