import { describe, it } from 'vitest';
import { runAdapterScenarios } from '../../src/testing/index.js';
import { fastifyDriver } from './drivers/fastify.js';

runAdapterScenarios('Fastify 5 (inject)', fastifyDriver, { describe, it });
