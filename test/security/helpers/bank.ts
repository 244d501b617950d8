import express from 'express';
import request from 'supertest';
import { csrf, jsonOnly, sessionErrors, sessions } from '../../../src/adapters/express.js';
import { createSessions, type Session, type SessionEvent, type SessionOptions } from '../../../src/index.js';
import { memoryStore } from '../../../src/stores/memory/index.js';
import { manualClock, SECRET_A } from '../../helpers/clock.js';
import { parseSetCookie, setCookies } from '../../helpers/cookies.js';

export const ORIGIN = 'https://bank.example';
const PASSWORDS: Record<string, string> = { alice: 'alice-pw', bob: 'bob-pw', mfa: 'mfa-pw', admin: 'admin-pw' };

type BankData = { email: string; [key: string]: unknown };
const bankSession = (req: express.Request) => req.session as unknown as Session<BankData>;

/**
 * The checklist's reference app (SECURITY-CHECKLIST §0) on the Express adapter, with the
 * injectable clock. Every route uses only public custos API, the way an application would.
 */
export function buildBank(overrides: Partial<SessionOptions> = {}) {
  const clock = manualClock();
  const events: SessionEvent[] = [];
  const balances = new Map<string, number>([
    ['alice', 100],
    ['bob', 100],
  ]);
  const manager = createSessions<BankData>({
    secrets: [SECRET_A],
    store: memoryStore({ clock }),
    clock,
    onEvent: (event) => events.push(event),
    ...overrides,
    protect: { origins: [ORIGIN], ...overrides.protect },
  });
  const app = express();
  app.use(sessions(manager, { trustedProxies: ['loopback'] }));
  app.use(express.urlencoded({ extended: false }));
  app.use('/api', jsonOnly(), express.json());
  const guard = csrf(manager, { trustedProxies: ['loopback'] });
  const signedIn = (req: express.Request, res: express.Response) => {
    if (req.session.isAuthenticated) return true;
    res.status(401).type('text/plain').send('Not signed in');
    return false;
  };

  app.get('/login', guard, (_req, res) => {
    res
      .type('html')
      .send(`<form method="post"><input type="hidden" name="_csrf" value="${res.locals.csrfToken}"></form>`);
  });
  app.get('/csrf', guard, (_req, res) => res.json({ token: res.locals.csrfToken }));
  app.post('/login', guard, async (req, res) => {
    const { username, password } = req.body as Record<string, string>;
    if (!username || PASSWORDS[username] !== password) return void res.status(401).send('Invalid credentials');
    await req.session.login(username, { pending: username === 'mfa', keep: ['email' as never] });
    res.redirect(303, '/me');
  });
  app.post('/login/mfa', guard, async (req, res) => {
    const user = req.session.userId;
    if (!user || !req.session.auth.pending || req.body.code !== '123456') return void res.status(401).send('Invalid');
    await req.session.login(user, { aal: 2, amr: ['pwd', 'otp'] });
    res.redirect(303, '/me');
  });
  app.post('/logout', guard, async (req, res) => {
    await req.session.destroy();
    res.redirect(303, '/');
  });
  app.get('/me', (req, res) => {
    if (!signedIn(req, res)) return;
    res.json({ user: req.session.userId, balance: balances.get(req.session.userId as string) ?? 0 });
  });
  app.get('/transfer', (_req, res) => res.status(405).send('Use POST'));
  app.post('/transfer', guard, (req, res) => {
    if (!signedIn(req, res)) return;
    const user = req.session.userId as string;
    balances.set(user, (balances.get(user) ?? 0) - Number(req.body.amount ?? 1));
    res.json({ ok: true, balance: balances.get(user) });
  });
  app.put('/transfer', guard, (_req, res) => res.json({ ok: true }));
  app.patch('/transfer', guard, (_req, res) => res.json({ ok: true }));
  app.delete('/transfer', guard, (_req, res) => res.json({ ok: true }));
  app.post('/reauth', guard, async (req, res) => {
    const user = req.session.userId;
    if (!user || PASSWORDS[user] !== req.body.password) return void res.status(403).send('Invalid');
    await req.session.reauthenticate();
    res.json({ ok: true });
  });
  app.post('/account/email', guard, (req, res) => {
    req.session.requireFreshAuth();
    bankSession(req).set('email', String(req.body.email));
    res.json({ ok: true });
  });
  app.post('/password', guard, async (req, res) => {
    const user = req.session.userId;
    if (!user || PASSWORDS[user] !== req.body.current) return void res.status(403).send('Invalid');
    await req.session.reauthenticate();
    await manager.revokeUser(user, { except: [req.session.handle] });
    res.json({ ok: true });
  });
  app.get('/sessions', async (req, res) => {
    if (!signedIn(req, res)) return;
    res.json(await manager.listSessions(req.session.userId as string, req.session.handle));
  });
  app.post('/sessions/:handle/revoke', guard, async (req, res) => {
    req.session.requireFreshAuth();
    const ok = await manager.revoke(String(req.params.handle), { userId: req.session.userId as string });
    res.status(ok ? 204 : 404).end();
  });
  app.post('/sessions/revoke-all', guard, async (req, res) => {
    if (!signedIn(req, res)) return;
    await manager.revokeUser(req.session.userId as string);
    await req.session.destroy();
    res.status(204).end();
  });
  app.post('/admin/users/:id/revoke', guard, async (req, res) => {
    if (req.session.userId !== 'admin') return void res.status(403).send('Forbidden');
    await manager.revokeUser(String(req.params.id));
    res.status(204).end();
  });
  app.post('/admin/revoke-all', guard, async (req, res) => {
    if (req.session.userId !== 'admin') return void res.status(403).send('Forbidden');
    await manager.revokeAll();
    res.status(204).end();
  });
  app.post('/cart', guard, (req, res) => {
    const session = bankSession(req);
    session.set('cart', [...((session.get('cart') as string[] | undefined) ?? []), String(req.body.item)]);
    res.json({ items: session.get('cart') });
  });
  app.post('/api/echo', guard, (req, res) => res.json({ echo: req.body }));
  app.get('/boom', () => {
    throw new Error('forced');
  });
  app.use(sessionErrors());
  return { app, manager, clock, events, balances };
}

export type Bank = ReturnType<typeof buildBank>;

/** A hand-kept cookie jar: the checklist's client never keeps cookies on its own. */
export class Jar {
  readonly cookies = new Map<string, string>();
  update(res: { headers: Record<string, unknown> }): this {
    for (const raw of setCookies(res.headers)) {
      const { name, value, attributes } = parseSetCookie(raw);
      if (value === '' || attributes.get('max-age') === '0') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return this;
  }
  get header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  get sid(): string | undefined {
    return this.cookies.get('__Host-sid');
  }
  clone(): Jar {
    const copy = new Jar();
    for (const [k, v] of this.cookies) copy.cookies.set(k, v);
    return copy;
  }
}

/** Headers a same-origin browser request over HTTPS (through the trusted loopback proxy) carries. */
export const HTTPS = { 'x-forwarded-proto': 'https', host: 'bank.example' };
export const SAME_ORIGIN = { ...HTTPS, 'sec-fetch-site': 'same-origin', origin: ORIGIN };

/** Merges header sets; a header given as '' is left out entirely (the request does not carry it). */
function merge(...sets: Record<string, string>[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const set of sets) Object.assign(out, set);
  for (const [k, v] of Object.entries(out)) if (v === '') delete out[k];
  return out;
}

export function client(bank: Bank) {
  const agent = request(bank.app);
  return {
    get: (path: string, jar?: Jar, headers: Record<string, string> = {}) =>
      agent
        .get(path)
        .set(merge(HTTPS, headers, jar?.header ? { cookie: jar.header } : {}))
        .then((res) => {
          jar?.update(res);
          return res;
        }),
    /** An unsafe request; `headers` override the same-origin defaults. */
    send: (
      method: 'post' | 'put' | 'patch' | 'delete',
      path: string,
      jar: Jar | undefined,
      form: Record<string, string> = {},
      headers: Record<string, string> = {},
    ) =>
      agent[method](path)
        .type('form')
        .set(merge(SAME_ORIGIN, headers, jar?.header ? { cookie: jar.header } : {}))
        .send(form)
        .then((res) => {
          jar?.update(res);
          return res;
        }),
    token: async (jar: Jar) =>
      (
        await agent
          .get('/csrf')
          .set({ ...HTTPS, cookie: jar.header })
          .then((r) => {
            jar.update(r);
            return r;
          })
      ).body.token as string,
  };
}

/** Logs `user` in through the login form (pre-session token) and returns the jar and a fresh token. */
export async function login(bank: Bank, user = 'alice', jar = new Jar()) {
  const c = client(bank);
  const before = await c.token(jar);
  const res = await c.send('post', '/login', jar, { username: user, password: `${user}-pw`, _csrf: before });
  if (res.status !== 303) throw new Error(`login failed: ${res.status}`);
  return { jar, token: await c.token(jar), res };
}

/** The `__Host-sid` cookie a response sets, parsed, or undefined when it sets none. */
export const sidCookie = (res: { headers: Record<string, unknown> }) =>
  setCookies(res.headers)
    .map(parseSetCookie)
    .find((c) => c.name === '__Host-sid');
