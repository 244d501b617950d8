import express from 'express';
import { describe, expect, it } from 'vitest';
import { sessions } from '../../src/adapters/express.js';
import custosSession from '../../src/adapters/express-session/index.js';
import { createSessions } from '../../src/core/manager.js';
import { memoryStore } from '../../src/stores/memory/index.js';
import { browser } from './helpers/client.js';
import { README_SECRET, readmeApp, type SessionFactory } from './helpers/readme-app.js';

describe('moving from custos/express-session to the native custos/express API', () => {
  it('keeps users signed in: the native middleware reads the sessions the compatibility entry wrote', async () => {
    const store = memoryStore();
    const compat = readmeApp(custosSession as unknown as SessionFactory, { store });
    const user = browser(compat);
    await user.post('/login', { user: 'alice' });
    await user.get('/foo');

    const native = express();
    // The native API names the cookie as the entry did (`name`, connect.sid by default).
    native.use(sessions(createSessions({ secrets: [README_SECRET], store, cookie: { name: 'connect.sid' } })));
    native.get('/whoami', (req, res) => {
      const s = req.session as unknown as { get(k: string): unknown; set(k: string, v: unknown): void };
      s.set('theme', 'dark');
      res.json({ user: s.get('user'), views: s.get('views') });
    });
    const same = browser(native, user.jar);
    expect((await same.get('/whoami')).body).toEqual({ user: 'alice', views: { '/foo': 1 } });
    // and back: the compatibility entry sees what the native API wrote
    const facts = await browser(compat, user.jar).get('/keys');
    expect(facts.body).toEqual(expect.arrayContaining(['user', 'views', 'theme']));
    await store.close();
  });
});
