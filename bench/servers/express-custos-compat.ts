import { createServer } from 'node:http';
import session from '../../src/adapters/express-session/index.js';
import { BENCH_SECRET, serve } from './common.js';
import { expressApp, expressSessionOps } from './express-app.js';

/** The express-session entry with the options an express-session app has, over its memory store. */
await serve(async () => {
  const middleware = session({ secret: BENCH_SECRET, resave: false, saveUninitialized: false });
  return { server: createServer(expressApp([middleware as never], expressSessionOps)) };
});
