import express4 from 'express4';
import { describe, it } from 'vitest';
import { runAdapterScenarios } from '../../src/testing/index.js';
import { expressDriver } from './drivers/express.js';

runAdapterScenarios('Express 4 (supertest)', expressDriver(express4), { describe, it });
