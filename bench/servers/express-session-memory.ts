import { createServer } from 'node:http';
import session from 'express-session';
import { BENCH_SECRET, serve } from './common.js';
import { expressApp, expressSessionOps } from './express-app.js';

await serve(async () => {
  const middleware = session({
    secret: BENCH_SECRET,
    resave: false,
    saveUninitialized: false,
    store: new session.MemoryStore(),
  });
  return { server: createServer(expressApp([middleware], expressSessionOps)) };
});
