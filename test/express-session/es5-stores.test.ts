import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import expressSession from 'express-session';
import { afterAll, describe, expect, it } from 'vitest';
import custosSession, { type ExpressSessionStore } from '../../src/adapters/express-session/index.js';
import { browser } from './helpers/client.js';
import { passportApp } from './helpers/passport-app.js';
import { readmeApp, type SessionFactory } from './helpers/readme-app.js';

/**
 * Store packages written before ES classes: they call `Store.call(this, options)` and link
 * prototypes by hand (util.inherits, `__proto__`). Real packages, real SQLite file, real files.
 */
type StoreClass = new (options: Record<string, unknown>) => ExpressSessionStore;
const require = createRequire(import.meta.url);
const connectSqlite3 = require('connect-sqlite3') as (session: unknown) => StoreClass;
const sessionFileStore = require('session-file-store') as (session: unknown) => StoreClass;

const dir = mkdtempSync(join(tmpdir(), 'custos-es5-stores-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const session = custosSession as unknown as SessionFactory;
let n = 0;
const stores: Array<{ label: string; make: (base: unknown) => ExpressSessionStore }> = [
  {
    label: 'connect-sqlite3',
    make: (base) => new (connectSqlite3(base))({ db: `s${++n}.sqlite`, dir, concurrentDB: true }),
  },
  {
    label: 'session-file-store',
    make: (base) =>
      new (sessionFileStore(base))({ path: join(dir, `f${++n}`), retries: 0, reapInterval: -1, logFn: () => {} }),
  },
];

describe.each(stores)('$label built on custos/express-session', (store) => {
  it('constructs with Store.call(this) and runs the README views, login and logout flows', async () => {
    const app = readmeApp(session, { store: store.make(custosSession) });
    const user = browser(app);
    expect((await user.get('/foo')).text).toBe('you viewed this page 1 times');
    expect((await user.get('/foo')).text).toBe('you viewed this page 2 times');
    await user.post('/login', { user: 'alice' });
    expect((await user.get('/')).text).toContain('hello, alice');
    const loggedIn = user.jar.clone();
    await user.get('/logout');
    expect((await browser(app, loggedIn).get('/')).text).toContain('<form');
  });

  it('keeps a passport user signed in across the switch from express-session', async () => {
    // Built once on express-session (as the app was before), then handed to custos unchanged.
    const shared = store.make(expressSession);
    const before = browser(passportApp(expressSession as unknown as SessionFactory, { store: shared }));
    await before.post('/login', { username: 'bob', password: 'bob-password' });
    expect((await before.get('/me')).body).toEqual({ user: 'bob' });
    const after = browser(passportApp(session, { store: shared }), before.jar);
    expect((await after.get('/me')).body).toEqual({ user: 'bob' });
    expect((await after.get('/me')).body).toEqual({ user: 'bob' });
  });
});
