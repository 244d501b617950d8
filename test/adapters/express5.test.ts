import express from 'express';
import { describe, it } from 'vitest';
import { runAdapterScenarios } from '../../src/testing/index.js';
import { expressDriver } from './drivers/express.js';

runAdapterScenarios('Express 5 (supertest)', expressDriver(express), { describe, it });
