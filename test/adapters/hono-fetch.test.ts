import { describe, it } from 'vitest';
import { runAdapterScenarios } from '../../src/testing/index.js';
import { honoFetchDriver } from './drivers/hono.js';

runAdapterScenarios('Hono 4 (pure Fetch, app.request)', honoFetchDriver, { describe, it });
