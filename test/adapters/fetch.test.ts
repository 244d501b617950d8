import { describe, it } from 'vitest';
import { runAdapterScenarios } from '../../src/testing/index.js';
import { fetchDriver } from './drivers/fetch.js';

runAdapterScenarios('Fetch API (plain Request objects)', fetchDriver, { describe, it });
