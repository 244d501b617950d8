import { createServer } from 'node:http';
import { serve } from './common.js';
import { expressApp } from './express-app.js';

// Bare Express plus one middleware that only calls next(): what any middleware layer costs.
await serve(async () => ({ server: createServer(expressApp([(_req, _res, next) => next()], null)) }));
