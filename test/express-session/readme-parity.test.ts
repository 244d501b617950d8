import expressSession from 'express-session';
import { describe, expect, it } from 'vitest';
import custosSession from '../../src/adapters/express-session/index.js';
import { browser } from './helpers/client.js';
import { sessionSetCookies } from './helpers/jar.js';
import { readmeApp, type SessionFactory } from './helpers/readme-app.js';

/**
 * express-session's README examples, run unchanged against express-session itself and against
 * custos/express-session: every assertion here holds for both.
 */
const implementations: Array<[string, SessionFactory]> = [
  ['express-session', expressSession as unknown as SessionFactory],
  ['custos/express-session', custosSession as unknown as SessionFactory],
];

describe.each(implementations)('README examples with %s', (_label, session) => {
  it('counts views per path for one visitor and starts over for another', async () => {
    const app = readmeApp(session);
    const alice = browser(app);
    expect((await alice.get('/foo')).text).toBe('you viewed this page 1 times');
    expect((await alice.get('/foo')).text).toBe('you viewed this page 2 times');
    expect((await alice.get('/bar')).text).toBe('you viewed this page 1 times');
    expect((await alice.get('/foo')).text).toBe('you viewed this page 3 times');
    expect((await browser(app).get('/foo')).text).toBe('you viewed this page 1 times');
  });

  it('sets no cookie for a visitor whose session stays empty (saveUninitialized: false)', async () => {
    const res = await browser(readmeApp(session)).get('/');
    expect(sessionSetCookies(res.headers)).toHaveLength(0);
  });

  it('logs in with regenerate then save: new id, old cookie worthless, user shown', async () => {
    const app = readmeApp(session);
    const visitor = browser(app);
    await visitor.get('/foo');
    const before = visitor.jar.clone();
    const login = await visitor.post('/login', { user: 'alice' });
    expect(login.status).toBe(302);
    expect(login.headers.location).toBe('/');
    expect(visitor.jar.header()).not.toBe(before.header());
    expect((await visitor.get('/')).text).toContain('hello, alice!');
    // regenerate drops the anonymous data (express-session semantics)
    expect((await visitor.get('/foo')).text).toBe('you viewed this page 1 times');
    // the pre-login cookie (session fixation) does not carry the login
    expect((await browser(app, before).get('/')).text).toContain('<form');
  });

  it('logs out: the user is gone and replaying the logged-in cookie shows the login form', async () => {
    const app = readmeApp(session);
    const user = browser(app);
    await user.post('/login', { user: 'bob' });
    const loggedIn = user.jar.clone();
    const logout = await user.get('/logout');
    expect(logout.status).toBe(302);
    expect((await user.get('/')).text).toContain('<form');
    expect((await browser(app, loggedIn).get('/')).text).toContain('<form');
  });

  it('destroy ends the session: a replayed cookie starts from nothing', async () => {
    const app = readmeApp(session);
    const user = browser(app);
    await user.get('/foo');
    await user.get('/foo');
    const saved = user.jar.clone();
    expect((await user.get('/destroy')).text).toBe('destroyed');
    expect((await browser(app, saved).get('/foo')).text).toBe('you viewed this page 1 times');
  });

  it('reload drops unsaved changes and returns the stored data', async () => {
    const user = browser(readmeApp(session));
    await user.post('/login', { user: 'carol' });
    const res = await user.get('/reload');
    expect(res.body).toEqual({ before: 'carol', after: 'carol' });
  });

  it('keeps req.sessionID equal to req.session.id and stable between requests', async () => {
    const user = browser(readmeApp(session));
    await user.get('/foo');
    const a = (await user.get('/facts')).body;
    const b = (await user.get('/facts')).body;
    expect(typeof a.id).toBe('string');
    expect(a.sessionID).toBe(a.id);
    expect(b.id).toBe(a.id);
    await user.post('/login', { user: 'dave' });
    expect((await user.get('/facts')).body.id).not.toBe(a.id);
  });

  it('without cookie.maxAge the cookie is a browser-session cookie', async () => {
    const res = await browser(readmeApp(session)).get('/foo');
    const [cookie] = sessionSetCookies(res.headers);
    expect(cookie?.attributes.has('expires')).toBe(false);
    expect(cookie?.attributes.has('max-age')).toBe(false);
    expect(cookie?.attributes.has('httponly')).toBe(true);
    expect(cookie?.attributes.get('path')).toBe('/');
  });

  it('cookie.maxAge gives the cookie that lifetime and shows it on req.session.cookie', async () => {
    const user = browser(readmeApp(session, { cookie: { maxAge: 60_000 } }));
    const res = await user.get('/foo');
    const [cookie] = sessionSetCookies(res.headers);
    const expires = Date.parse(cookie?.attributes.get('expires') ?? '');
    expect(expires - Date.now()).toBeGreaterThan(55_000);
    expect(expires - Date.now()).toBeLessThanOrEqual(60_000);
    const facts = (await user.get('/facts')).body;
    // express-session recomputes originalMaxAge from the stored expiry, so on a loaded machine it
    // can come back a few milliseconds short (59,997 in one clean-clone CI run).
    expect(facts.originalMaxAge).toBeGreaterThan(60_000 - 1_000);
    expect(facts.originalMaxAge).toBeLessThanOrEqual(60_000);
    expect(facts.maxAge).toBeGreaterThan(55_000);
    expect(facts.maxAge).toBeLessThanOrEqual(60_000);
    expect(facts.httpOnly).toBe(true);
  });

  it('a handler can lengthen one session cookie ("remember me")', async () => {
    const user = browser(readmeApp(session, { cookie: { maxAge: 60_000 } }));
    const res = await user.get('/remember/2');
    const [cookie] = sessionSetCookies(res.headers);
    const expires = Date.parse(cookie?.attributes.get('expires') ?? '');
    expect(expires - Date.now()).toBeGreaterThan(7_100_000);
    expect(expires - Date.now()).toBeLessThanOrEqual(7_200_000);
    // express-session recomputes originalMaxAge from the stored expiry, so it may be a millisecond short.
    const { originalMaxAge } = (await user.get('/facts')).body;
    expect(originalMaxAge).toBeGreaterThan(2 * 3_600_000 - 1_000);
    expect(originalMaxAge).toBeLessThanOrEqual(2 * 3_600_000);
  });

  it('rolling: false sends no cookie on a request that changes nothing', async () => {
    const user = browser(readmeApp(session, { cookie: { maxAge: 60_000 } }));
    await user.get('/foo');
    expect(sessionSetCookies((await user.get('/facts')).headers)).toHaveLength(0);
  });

  it('rolling: true sends the cookie again on every response, with a fresh lifetime', async () => {
    const user = browser(readmeApp(session, { rolling: true, cookie: { maxAge: 60_000 } }));
    const first = sessionSetCookies((await user.get('/foo')).headers)[0];
    const again = sessionSetCookies((await user.get('/facts')).headers)[0];
    expect(again?.value).toBe(first?.value);
    expect(Date.parse(again?.attributes.get('expires') ?? '') - Date.now()).toBeGreaterThan(55_000);
  });

  it("unset: 'keep' ignores changes after req.session = null", async () => {
    const user = browser(readmeApp(session));
    await user.get('/foo');
    await user.get('/unset');
    expect((await user.get('/foo')).text).toBe('you viewed this page 2 times');
  });

  it("unset: 'destroy' ends the session after req.session = null", async () => {
    const user = browser(readmeApp(session, { unset: 'destroy' }));
    await user.get('/foo');
    const saved = user.jar.clone();
    await user.get('/unset');
    expect((await browser(readmeApp(session), saved).get('/foo')).text).toBe('you viewed this page 1 times');
  });
});
