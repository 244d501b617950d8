import { createServer } from 'node:http';
import { serve } from './common.js';

await serve(async () => ({
  server: createServer((_req, res) => {
    res.setHeader('content-type', 'text/plain');
    res.end('ok');
  }),
}));
