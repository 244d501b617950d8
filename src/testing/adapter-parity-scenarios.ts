import assert from 'node:assert/strict';
import type { SessionManager } from '../core/manager.js';
import type { SessionOptions } from '../options.js';
import { type FailureAnswer, failureAnswer, httpsRedirect, httpsRefusal } from '../vocabulary/failure-text.js';
import { SCENARIO_HTTPS_HOST, type ScenarioData, type ScenarioResponse } from './scenario-app.js';
import type { ScenarioBrowser } from './scenario-browser.js';
import type { InstrumentedStore } from './scenario-store.js';

/** What each parity scenario gets from the suite's app harness. */
export interface ParityHarness {
  readonly manager: SessionManager<ScenarioData>;
  readonly store: InstrumentedStore;
  browser(): ScenarioBrowser;
}

type WithApp = (options: Partial<SessionOptions>, body: (h: ParityHarness) => Promise<void>) => Promise<void>;

const SAME_ORIGIN = { 'sec-fetch-site': 'same-origin' };

/**
 * The answer is the failure table's row, byte for byte: status, body, every header the row
 * names, and no content type on a row without a body. Drift between adapters shows up here.
 *
 * @example
 * ```ts
 * import { assertFailureAnswer } from 'custos/testing';
 *
 * const forbidden = {
 *   status: 403,
 *   body: 'Forbidden',
 *   headers: [['content-type', 'text/plain; charset=utf-8'], ['cache-control', 'no-store']] as const,
 * };
 * assertFailureAnswer(await browser.post('/protected'), forbidden, 'CSRF refusal');
 * ```
 */
export function assertFailureAnswer(response: ScenarioResponse, expected: FailureAnswer, what: string): void {
  assert.equal(response.status, expected.status, `${what}: status`);
  assert.equal(response.body, expected.body, `${what}: body`);
  for (const [name, value] of expected.headers) {
    assert.equal(response.headers[name], value, `${what}: ${name}`);
  }
  if (!expected.headers.some(([name]) => name === 'content-type')) {
    assert.equal(response.headers['content-type'], undefined, `${what}: a body-less answer names a content type`);
  }
}

/** The scenarios that catch adapters drifting apart (one table of answers, one view token). */
export function runParityScenarios(withApp: WithApp, it: (name: string, body: () => Promise<void>) => unknown): void {
  it('every failure kind answers with the failure table: status, body and headers', () =>
    withApp({ storeTimeout: 100 }, async ({ browser, store }) => {
      const b = browser();
      await b.post('/set/start/yes');
      assertFailureAnswer(await browser().get('/account'), failureAnswer(401), 'not signed in');
      const token = (await b.get('/csrf')).json().token as string;
      const crossSite = await b.post('/protected', { 'sec-fetch-site': 'cross-site', 'x-csrf-token': token });
      assertFailureAnswer(crossSite, failureAnswer(403), 'CSRF refusal');
      const text = { 'content-type': 'text/plain' };
      assertFailureAnswer(await b.post('/json', text, '{}'), failureAnswer(415), 'jsonOnly refusal');
      assert.equal((await b.post('/json', { 'content-type': 'application/json' }, '{}')).status, 200);
      assertFailureAnswer(await b.post('/secure'), httpsRefusal(), 'enforceHttps refusal');
      const redirect = httpsRedirect(308, `https://${SCENARIO_HTTPS_HOST}/secure?a=1`);
      assertFailureAnswer(await b.get('/secure?a=1'), redirect, 'enforceHttps redirect');
      store.fault = 'conflict';
      assertFailureAnswer(await b.post('/inc'), failureAnswer(409), 'update conflict');
      store.fault = 'reject';
      assertFailureAnswer(await b.get('/read'), failureAnswer(503), 'store outage');
      store.fault = 'ok';
    }));

  it('the view gets a pre-session CSRF token: no session, no store write, a visitor cookie, and it verifies', () =>
    withApp({}, async ({ browser, store }) => {
      const b = browser();
      const page = await b.get('/view');
      assert.equal(page.status, 200);
      const token = page.json().token;
      assert.ok(typeof token === 'string' && token.length > 20, 'the view got no CSRF token');
      // Checklist FIX-04: a login form shown to a visitor creates no session.
      assert.equal(b.cookie, undefined, 'the view token created a session');
      assert.equal(store.writes, 0, 'the view token wrote to the store');
      assert.ok(b.others.has('__Host-csrf'), 'no pre-session visitor cookie was set');
      const accepted = await b.post('/protected', { ...SAME_ORIGIN, 'x-csrf-token': token });
      assert.equal(accepted.status, 200, 'the view token does not verify');
    }));
}
