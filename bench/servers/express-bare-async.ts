import { createServer } from 'node:http';
import { serve } from './common.js';
import { expressApp } from './express-app.js';

// Bare Express plus one middleware that calls next() after a resolved promise: the least any
// session layer that waits for its store pays, before it reads a cookie.
await serve(async () => ({
  server: createServer(
    expressApp(
      [
        (_req, _res, next) => {
          Promise.resolve().then(() => next());
        },
      ],
      null,
    ),
  ),
}));
