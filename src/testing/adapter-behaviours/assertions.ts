import assert from 'node:assert/strict';
import type { ScenarioResponse } from '../scenario-app.js';
import type { BrowserResponse } from '../scenario-browser.js';
import { STORE_FAILURE_TEXT } from '../scenario-store.js';
import { COOKIE } from './harness.js';

export function assertClearing(response: BrowserResponse): void {
  const cookie = response.sessionCookie;
  assert.ok(cookie, 'expected a clearing session cookie');
  assert.equal(cookie.value, '');
  assert.equal(cookie.attributes.get('max-age'), '0');
}

export function assertAnonymous(response: BrowserResponse): void {
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
export function assertCsrfVary(response: ScenarioResponse): void {
  const vary = (response.headers.vary ?? '')
    .toLowerCase()
    .split(',')
    .map((name) => name.trim());
  assert.ok(vary.includes('sec-fetch-site') && vary.includes('origin'), `Vary lacks the CSRF headers: ${vary}`);
}

/** A session failure answer says nothing about the backend: no cause, no stack, no code. */
export function assertGenericFailure(response: ScenarioResponse, status: number): void {
  assert.equal(response.status, status);
  assert.ok(!response.body.includes(STORE_FAILURE_TEXT), 'the store error leaked into the body');
  assert.ok(!response.body.includes('hunter2'), 'the store error leaked into the body');
  assert.ok(!/STORE_UNAVAILABLE|\bat .+:\d+:\d+/.test(response.body), 'internals leaked into the body');
  assert.ok(response.body.length < 200, 'the failure body is not generic');
  const cookie = response.setCookie.find((c) => c.startsWith(`${COOKIE}=`));
  assert.ok(cookie === undefined || /max-age=0/i.test(cookie), 'a failed request issued a session cookie');
}
