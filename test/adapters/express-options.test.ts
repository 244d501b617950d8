import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { sessions } from '../../src/adapters/express.js';
import { CustosError, createSessions } from '../../src/index.js';
import { memoryStore } from '../../src/stores/memory/index.js';
import { SECRET_A } from '../helpers/clock.js';
import { loginAs } from '../helpers/requests.js';
import { brokenStore } from '../helpers/stores.js';

async function outageApp(passErrors: boolean | undefined) {
  const base = memoryStore();
  const healthy = createSessions({ secrets: [SECRET_A], store: base });
  const cookie = await loginAs(healthy, 'alice');
  const manager = createSessions({ secrets: [SECRET_A], store: brokenStore('reject', base), storeTimeout: 200 });
  const app = express();
  app.use(passErrors === undefined ? sessions(manager) : sessions(manager, { passErrors }));
  app.get('/', (_req, res) => {
    res.send('never');
  });
  app.use((error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res
      .status(error instanceof CustosError ? error.status : 500)
      .type('html')
      .send(`<h1>our page: ${error instanceof CustosError ? error.code : 'other'}</h1>`);
  });
  return { app, cookie };
}

describe('custos/express sessions() options', () => {
  it('by default a store outage gets the built-in plain-text 503, not the app error handler', async () => {
    const { app, cookie } = await outageApp(undefined);
    const res = await request(app).get('/').set('host', 'localhost').set('cookie', cookie);
    expect(res.status).toBe(503);
    expect(res.text).toBe('Service unavailable');
  });

  it('passErrors hands the CustosError to the app error handler', async () => {
    const { app, cookie } = await outageApp(true);
    const res = await request(app).get('/').set('host', 'localhost').set('cookie', cookie);
    expect(res.status).toBe(503);
    expect(res.text).toBe('<h1>our page: STORE_UNAVAILABLE</h1>');
  });
});
