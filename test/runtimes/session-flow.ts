import { expect } from 'vitest';
import { parseSetCookie } from '../helpers/cookies.js';

const SESSION_COOKIE = '__Host-sid';

interface View {
  runtime: string;
  visits: number;
  user: string | null;
  csrfToken: string;
}

/**
 * A user agent for one app on a runtime: keeps every cookie the server sets (dropping those
 * cleared with `Max-Age=0`) and sends them back. Unsafe requests carry `Origin` (same-origin by
 * default, with Fetch Metadata) and the CSRF token, as a browser running the app's own page would.
 */
class Client {
  readonly cookies = new Map<string, string>();
  constructor(
    readonly origin: string,
    readonly app: string,
  ) {}

  async send(method: 'GET' | 'POST', path: string, headers: Record<string, string> = {}) {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(`${this.origin}/${this.app}${path}`, {
      method,
      headers: { ...(cookie ? { cookie } : {}), ...headers },
      redirect: 'manual',
    });
    const set = response.headers.getSetCookie().map(parseSetCookie);
    for (const c of set) {
      if (c.attributes.get('max-age') === '0') this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    const text = await response.text();
    return { status: response.status, headers: response.headers, set, text };
  }

  async view(): Promise<View> {
    const answer = await this.send('GET', '');
    expect(answer.status, answer.text).toBe(200);
    return JSON.parse(answer.text) as View;
  }

  /**
   * A POST from a page at `from` (the app's own by default) with a fresh token from a GET first:
   * the Fetch Metadata and `Origin` headers a current browser adds itself.
   */
  async post(action: string, from = this.origin) {
    const { csrfToken } = await this.view();
    const site = from === this.origin ? 'same-origin' : 'cross-site';
    return this.send('POST', `/${action}`, { origin: from, 'sec-fetch-site': site, 'x-csrf-token': csrfToken });
  }

  get session(): string | undefined {
    return this.cookies.get(SESSION_COOKIE);
  }
}

/**
 * One app's whole life over real HTTP: first visit (no session), create, read back, CSRF refusal
 * of a cross-origin POST, login rotation (the pre-login cookie is no longer the user's session),
 * logout (the cookie is cleared and a kept copy is refused).
 */
export async function driveSessionFlow(origin: string, app: string, runtime: RegExp): Promise<void> {
  const browser = new Client(origin, app);

  const first = await browser.view();
  expect(first.runtime).toMatch(runtime);
  expect(first).toMatchObject({ visits: 0, user: null });
  expect(browser.session, 'a first visit creates no session').toBeUndefined();

  const created = await browser.post('visit');
  expect(created.status, created.text).toBe(200);
  const anonymous = browser.session;
  expect(anonymous, 'the first write creates the session').toBeDefined();
  const cookie = created.set.find((c) => c.name === SESSION_COOKIE);
  expect(cookie?.attributes.has('httponly')).toBe(true);
  expect(cookie?.attributes.get('samesite')).toBe('Lax');
  expect(created.headers.get('cache-control')).toBe('no-store');

  expect(await browser.view()).toMatchObject({ visits: 1, user: null });

  // CSRF: a valid token and cookie, but the request comes from another site's page.
  const forged = await browser.post('visit', 'https://attacker.example');
  expect(forged.status).toBe(403);
  expect(await browser.view()).toMatchObject({ visits: 1 });

  const login = await browser.post('login');
  expect(login.status, login.text).toBe(200);
  expect(browser.session).toBeDefined();
  expect(browser.session, 'login issues a new session cookie').not.toBe(anonymous);
  // A fresh record: login carries over only the fields named in `keep` (none here).
  expect(await browser.view()).toMatchObject({ visits: 0, user: 'alice' });
  expect((await browser.post('visit')).status).toBe(200);
  const authenticated = browser.session;
  expect(await browser.view()).toMatchObject({ visits: 1, user: 'alice' });

  // The pre-login cookie, replayed by someone who kept it, is ended: neither the logged-in
  // session nor the anonymous one it was (whose visits were 1).
  const stale = new Client(origin, app);
  stale.cookies.set(SESSION_COOKIE, anonymous as string);
  expect(await stale.view()).toMatchObject({ visits: 0, user: null });

  const logout = await browser.post('logout');
  expect(logout.status, logout.text).toBe(200);
  expect(logout.set.find((c) => c.name === SESSION_COOKIE)?.attributes.get('max-age')).toBe('0');
  expect(logout.headers.get('clear-site-data')).toContain('"cookies"');
  expect(browser.session).toBeUndefined();
  expect(await browser.view()).toMatchObject({ visits: 0, user: null });

  // A copy of the logged-in cookie kept from before logout no longer authenticates.
  const replay = new Client(origin, app);
  replay.cookies.set(SESSION_COOKIE, authenticated as string);
  expect(await replay.view()).toMatchObject({ visits: 0, user: null });
}
