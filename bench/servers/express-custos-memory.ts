import { createServer } from 'node:http';
import { sessions } from '../../src/adapters/express.js';
import { serve } from './common.js';
import { benchManager } from './custos-manager.js';
import { custosOps, expressApp } from './express-app.js';

await serve(async () => ({ server: createServer(expressApp([sessions(benchManager())], custosOps)) }));
