import { createServer } from 'node:http';
import { serve } from './common.js';
import { expressApp } from './express-app.js';

await serve(async () => ({ server: createServer(expressApp([], null)) }));
