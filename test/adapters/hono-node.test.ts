import { describe, it } from 'vitest';
import { runAdapterScenarios } from '../../src/testing/index.js';
import { honoNodeDriver } from './drivers/hono.js';

runAdapterScenarios('Hono 4 (@hono/node-server)', honoNodeDriver, { describe, it });
