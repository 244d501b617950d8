import { describe, it } from 'vitest';
import { runAdapterScenarios } from '../../src/testing/index.js';
import { nodeDriver } from './drivers/node.js';

runAdapterScenarios('node:http (real server)', nodeDriver, { describe, it });
