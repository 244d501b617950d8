import assert from 'node:assert/strict';
import { createSessions, type SessionManager } from '../core/manager.js';
import type { SessionOptions } from '../options.js';
import { memoryStore } from '../stores/memory/index.js';
import { sessionErrorBody } from '../vocabulary/failure-text.js';
import { runParityScenarios } from './adapter-parity-scenarios.js';
import {
  type ScenarioClient,
  type ScenarioData,
  type ScenarioDriver,
  type ScenarioResponse,
  scenarioRoutes,
} from './scenario-app.js';
import { type BrowserResponse, ScenarioBrowser } from './scenario-browser.js';
import { type InstrumentedStore, instrumentStore, STORE_FAILURE_TEXT } from './scenario-store.js';

export { assertFailureAnswer, type ParityHarness } from './adapter-parity-scenarios.js';
export * from './scenario-app.js';
export { type BrowserResponse, type ParsedSetCookie, parseSetCookie, ScenarioBrowser } from './scenario-browser.js';
export { type InstrumentedStore, instrumentStore, STORE_FAILURE_TEXT, type StoreFault } from './scenario-store.js';

/** What the suite needs from a test runner; vitest, jest and `node:test` all fit. */
export interface ScenarioRunner {
  describe(name: string, body: () => void): unknown;
  it(name: string, body: () => Promise<void>): unknown;
}

const COOKIE = '__Host-sid';
const MINUTE = 60_000;
const OLD_SECRET = 'scenario-secret-old-0123456789abcdefghijklmnop';
const NEW_SECRET = 'scenario-secret-new-0123456789abcdefghijklmnop';
const SAME_ORIGIN = { 'sec-fetch-site': 'same-origin' };

interface Harness {
  readonly manager: SessionManager<ScenarioData>;
  readonly store: InstrumentedStore;
  readonly client: ScenarioClient;
  advance(ms: number): void;
  browser(): ScenarioBrowser;
}

function assertClearing(response: BrowserResponse): void {
  const cookie = response.sessionCookie;
  assert.ok(cookie, 'expected a clearing session cookie');
  assert.equal(cookie.value, '');
  assert.equal(cookie.attributes.get('max-age'), '0');
}

function assertAnonymous(response: BrowserResponse): void {
  assert.equal(response.status, 200);
  const body = response.json();
  assert.deepEqual(body.data, {});
  assert.equal(body.userId, null);
  assert.equal(body.authenticated, false);
}

/**
 * A response whose allow/deny read Fetch Metadata and Origin names them in `Vary`, refusal or
 * not, so no shared cache replays one site's answer to another (checklist OPT-2).
 */
function assertCsrfVary(response: ScenarioResponse): void {
  const vary = (response.headers.vary ?? '')
    .toLowerCase()
    .split(',')
    .map((name) => name.trim());
  assert.ok(vary.includes('sec-fetch-site') && vary.includes('origin'), `Vary lacks the CSRF headers: ${vary}`);
}

/** A session failure answer says nothing about the backend: no cause, no stack, no code. */
function assertGenericFailure(response: ScenarioResponse, status: number): void {
  assert.equal(response.status, status);
  assert.ok(!response.body.includes(STORE_FAILURE_TEXT), 'the store error leaked into the body');
  assert.ok(!response.body.includes('hunter2'), 'the store error leaked into the body');
  assert.ok(!/STORE_UNAVAILABLE|\bat .+:\d+:\d+/.test(response.body), 'internals leaked into the body');
  assert.ok(response.body.length < 200, 'the failure body is not generic');
  const cookie = response.setCookie.find((c) => c.startsWith(`${COOKIE}=`));
  assert.ok(cookie === undefined || /max-age=0/i.test(cookie), 'a failed request issued a session cookie');
}

/**
 * The adapter scenario list (DESIGN: one list, every adapter). Each adapter passes a driver
 * that mounts the scenario routes with its framework's idioms; the suite drives them as a
 * browser would and checks cookies, store writes and status codes.
 *
 * @example
 * runAdapterScenarios('express 5', expressDriver, { describe, it });
 */
export function runAdapterScenarios(label: string, driver: ScenarioDriver, t: ScenarioRunner): void {
  async function withApp(
    options: Partial<SessionOptions>,
    body: (h: Harness) => Promise<void>,
    shared?: { store: InstrumentedStore; now: { value: number } },
  ): Promise<void> {
    const store = shared?.store ?? instrumentStore(memoryStore());
    const now = shared?.now ?? { value: Date.UTC(2026, 0, 1) };
    const manager = createSessions<ScenarioData>({ secrets: [NEW_SECRET], store, clock: () => now.value, ...options });
    const client = await driver.start(manager, scenarioRoutes(manager));
    try {
      await body({
        manager,
        store,
        client,
        advance: (ms) => {
          now.value += ms;
        },
        browser: () => new ScenarioBrowser(client, COOKIE),
      });
    } finally {
      await client.close();
    }
  }

  t.describe(`adapter scenarios: ${label}`, () => {
    runParityScenarios(withApp, (name, body) => t.it(name, body));
    t.it('a first visit that stores nothing sets no cookie and writes nothing', () =>
      withApp({}, async ({ browser, store }) => {
        const response = await browser().get('/read');
        assertAnonymous(response);
        assert.deepEqual(response.setCookie, []);
        assert.equal(store.writes, 0);
      }),
    );

    t.it(
      'the first write creates a __Host- cookie: Secure, HttpOnly, SameSite=Lax, Path=/, no Domain, no Max-Age',
      () =>
        withApp({}, async ({ browser }) => {
          const b = browser();
          const created = await b.post('/set/color/blue');
          assert.equal(created.status, 200);
          assert.equal(created.setCookie.length, 1);
          const cookie = created.sessionCookie;
          assert.ok(cookie && cookie.value.length > 20);
          assert.ok(cookie.attributes.has('secure'));
          assert.ok(cookie.attributes.has('httponly'));
          assert.equal(cookie.attributes.get('samesite')?.toLowerCase(), 'lax');
          assert.equal(cookie.attributes.get('path'), '/');
          assert.ok(!cookie.attributes.has('domain'));
          assert.ok(!cookie.attributes.has('max-age') && !cookie.attributes.has('expires'));
          assert.match(created.headers['cache-control'] ?? '', /no-store/);
          assert.deepEqual((await b.get('/read')).json().data, { color: 'blue' });
        }),
    );

    t.it('a read-only request with a valid session costs zero store writes and sets no cookie', () =>
      withApp({}, async ({ browser, store }) => {
        const b = browser();
        await b.post('/set/color/blue');
        store.resetWrites();
        for (let i = 0; i < 3; i++) {
          const read = await b.get('/read');
          assert.deepEqual(read.json().data, { color: 'blue' });
          assert.deepEqual(read.setCookie, []);
        }
        assert.equal(store.writes, 0);
      }),
    );

    t.it('login rotates the id; the pre-login cookie no longer authenticates', () =>
      withApp({}, async ({ browser }) => {
        const b = browser();
        await b.post('/set/cart/apples');
        const before = b.cookie;
        const login = await b.post('/login/alice');
        assert.equal(login.status, 200);
        assert.ok(b.cookie && b.cookie !== before, 'login must issue a new session cookie');
        const after = (await b.get('/read')).json();
        assert.equal(after.userId, 'alice');
        assert.equal(after.authenticated, true);
        assert.deepEqual(after.data, { cart: 'apples' });
        const old = b.clone();
        old.cookie = before;
        const stale = await old.get('/read');
        assertAnonymous(stale);
        assertClearing(stale);
      }),
    );

    t.it('logout deletes the record before the response, clears the cookie and sends Clear-Site-Data', () =>
      withApp({}, async ({ browser, store }) => {
        const b = browser();
        await b.post('/login/alice');
        const stolen = b.clone();
        assert.equal(await store.count?.(), 1);
        const logout = await b.post('/logout');
        assert.equal(logout.status, 200);
        assertClearing(logout);
        assert.match(logout.headers['clear-site-data'] ?? '', /"cookies"/);
        assert.equal(await store.count?.(), 0, 'the record must be gone when the response arrives');
        assertAnonymous(await stolen.get('/read'));
      }),
    );

    t.it('the idle timeout ends a session on the server', () =>
      withApp({ idleTimeout: '30m', absoluteTimeout: '12h' }, async ({ browser, advance }) => {
        const b = browser();
        await b.post('/set/color/blue');
        advance(29 * MINUTE);
        assert.deepEqual((await b.get('/read')).json().data, { color: 'blue' });
        advance(29 * MINUTE);
        assert.deepEqual((await b.get('/read')).json().data, { color: 'blue' }, 'activity extends the idle window');
        advance(31 * MINUTE);
        const expired = await b.get('/read');
        assertAnonymous(expired);
        assertClearing(expired);
      }),
    );

    t.it('the absolute timeout ends a session whatever the activity', () =>
      withApp({ idleTimeout: '30m', absoluteTimeout: '1h' }, async ({ browser, advance }) => {
        const b = browser();
        await b.post('/set/color/blue');
        for (const step of [20, 20, 19]) {
          advance(step * MINUTE);
          assert.deepEqual((await b.get('/read')).json().data, { color: 'blue' });
        }
        advance(2 * MINUTE);
        const expired = await b.get('/read');
        assertAnonymous(expired);
        assertClearing(expired);
      }),
    );

    t.it('a tampered or garbled cookie gives an anonymous session, never a 500', () =>
      withApp({}, async ({ browser }) => {
        const b = browser();
        await b.post('/set/color/blue');
        const good = b.cookie as string;
        const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
        const variants = [
          flip(good, good.length - 1),
          flip(good, 3),
          good.slice(0, -5),
          `${good}.extra`,
          'garbage',
          '%E0%A4%A',
          'A'.repeat(3000),
        ];
        for (const value of variants) {
          const forged = b.clone();
          forged.cookie = value;
          const response = await forged.get('/read');
          assertAnonymous(response);
          const cookie = response.sessionCookie;
          assert.ok(cookie === undefined || cookie.value === '', 'a forged cookie must not be re-issued');
        }
        const forged = b.clone();
        forged.cookie = flip(good, good.length - 1);
        assertClearing(await forged.get('/read'));
        const fresh = await forged.post('/set/color/red');
        assert.equal(fresh.status, 200);
        assert.ok(forged.cookie && forged.cookie !== good);
        assert.deepEqual((await b.get('/read')).json().data, { color: 'blue' }, 'the real session is untouched');
      }),
    );

    t.it(
      'CSRF: cross-site or tokenless unsafe requests get 403 and change nothing; same-origin with token passes',
      () =>
        withApp({}, async ({ browser, store }) => {
          const b = browser();
          const form = await b.get('/csrf');
          const token = form.json().token as string;
          assert.ok(typeof token === 'string' && token.length > 20);
          // Checklist FIX-04: showing a form to a visitor without a session creates none; the
          // token is the pre-session one, bound to a host-only visitor cookie.
          assert.equal(b.cookie, undefined, 'a form token created a session');
          assert.equal(store.writes, 0, 'a form token wrote to the store');
          assert.ok(b.others.has('__Host-csrf'), 'no pre-session visitor cookie was set');
          assert.match(form.headers['cache-control'] ?? '', /no-store/);
          const crossSite = await b.post('/protected', { 'sec-fetch-site': 'cross-site', 'x-csrf-token': token });
          assert.equal(crossSite.status, 403);
          assertCsrfVary(crossSite);
          assert.ok(crossSite.body.length < 200 && !crossSite.body.includes(token));
          assert.equal((await b.post('/protected', SAME_ORIGIN)).status, 403, 'a missing token is refused');
          assert.equal((await b.post('/protected', { ...SAME_ORIGIN, 'x-csrf-token': `${token}x` })).status, 403);
          assert.deepEqual((await b.get('/read')).json().data, {}, 'refused requests must not run the handler');
          const accepted = await b.post('/protected', { ...SAME_ORIGIN, 'x-csrf-token': token });
          assert.equal(accepted.status, 200);
          assertCsrfVary(accepted);
          assert.deepEqual((await b.get('/read')).json().data, { protected: 'ran' });
        }),
    );

    t.it('a store outage gives a generic 503 (rejecting or hanging), and the session survives it', () =>
      withApp({ storeTimeout: 100 }, async ({ browser, store }) => {
        const b = browser();
        await b.post('/set/color/blue');
        store.fault = 'reject';
        assertGenericFailure(await b.get('/read'), 503);
        store.fault = 'hang';
        assertGenericFailure(await b.get('/read'), 503);
        assertGenericFailure(await browser().post('/set/color/red'), 503);
        store.fault = 'reject-writes';
        assertGenericFailure(await b.post('/inc'), 503);
        assertGenericFailure(await browser().post('/set/color/green'), 503);
        store.fault = 'ok';
        assert.deepEqual((await b.get('/read')).json().data, { color: 'blue' });
      }),
    );

    t.it('a concurrent-update conflict answers 409 with the shared text, and the session survives it', () =>
      withApp({}, async ({ browser, store }) => {
        const b = browser();
        await b.post('/set/start/yes');
        store.fault = 'conflict';
        const conflict = await b.post('/inc');
        assertGenericFailure(conflict, 409);
        assert.equal(conflict.body, sessionErrorBody(409), 'every adapter answers a 409 with the same text');
        store.fault = 'ok';
        assert.deepEqual((await b.get('/read')).json().data, { start: 'yes' });
      }),
    );

    t.it('100 concurrent requests each setting a different field keep all 100', () =>
      withApp({}, async ({ browser }) => {
        const b = browser();
        await b.post('/set/start/yes');
        const responses = await Promise.all(Array.from({ length: 100 }, (_, i) => b.clone().post(`/set/k${i}/v${i}`)));
        assert.ok(responses.every((r) => r.status === 200));
        const data = (await b.get('/read')).json().data as Record<string, string>;
        assert.equal(Object.keys(data).length, 101);
        for (let i = 0; i < 100; i++) assert.equal(data[`k${i}`], `v${i}`);
      }),
    );

    t.it('50 concurrent update() increments end at 50', () =>
      withApp({}, async ({ browser }) => {
        const b = browser();
        await b.post('/set/start/yes');
        const responses = await Promise.all(Array.from({ length: 50 }, () => b.clone().post('/inc')));
        assert.ok(responses.every((r) => r.status === 200));
        assert.deepEqual((await b.get('/read')).json().data, { start: 'yes', n: 50 });
      }),
    );

    t.it(
      'key rotation: a cookie signed under a retired-but-listed secret works and is re-issued under the newest',
      () => {
        const shared = { store: instrumentStore(memoryStore()), now: { value: Date.UTC(2026, 0, 1) } };
        return withApp(
          { secrets: [OLD_SECRET] },
          async (before) => {
            const b = before.browser();
            await b.post('/set/color/blue');
            const oldCookie = b.cookie as string;
            await withApp(
              { secrets: [NEW_SECRET, OLD_SECRET] },
              async (rotated) => {
                const moved = b.clone(rotated.client);
                const read = await moved.get('/read');
                assert.deepEqual(read.json().data, { color: 'blue' });
                assert.ok(read.sessionCookie && moved.cookie !== oldCookie, 'the cookie must be re-issued');
                await withApp(
                  { secrets: [NEW_SECRET] },
                  async (retired) => {
                    assert.deepEqual((await moved.clone(retired.client).get('/read')).json().data, { color: 'blue' });
                    const stale = b.clone(retired.client);
                    stale.cookie = oldCookie;
                    assertAnonymous(await stale.get('/read'));
                  },
                  shared,
                );
              },
              shared,
            );
          },
          shared,
        );
      },
    );
  });
}
