import { describe, it } from 'vitest';
import { runAdapterScenarios } from '../../src/testing/index.js';
import { koaDriver } from './drivers/koa.js';

runAdapterScenarios('Koa 3 (supertest)', koaDriver, { describe, it });
