import { concurrencyBehaviours } from './adapter-behaviours/concurrency.js';
import { cookieIssuingBehaviours } from './adapter-behaviours/cookie-issuing.js';
import { csrfBehaviours } from './adapter-behaviours/csrf.js';
import { expiryBehaviours } from './adapter-behaviours/expiry.js';
import { scenarioApp } from './adapter-behaviours/harness.js';
import { keyRotationBehaviours } from './adapter-behaviours/key-rotation.js';
import { loginAndLogoutBehaviours } from './adapter-behaviours/login-and-logout.js';
import { storeFailureBehaviours } from './adapter-behaviours/store-failures.js';
import { tamperedCookieBehaviours } from './adapter-behaviours/tampered-cookie.js';
import { runParityScenarios } from './adapter-parity-scenarios.js';
import type { ScenarioDriver } from './scenario-app.js';

export { assertFailureAnswer, type ParityHarness } from './adapter-parity-scenarios.js';
export * from './scenario-app.js';
export { type BrowserResponse, type ParsedSetCookie, parseSetCookie, ScenarioBrowser } from './scenario-browser.js';
export { type InstrumentedStore, instrumentStore, STORE_FAILURE_TEXT, type StoreFault } from './scenario-store.js';

/** What the suite needs from a test runner; vitest, jest and `node:test` all fit. */
export interface ScenarioRunner {
  describe(name: string, body: () => void): unknown;
  it(name: string, body: () => Promise<void>): unknown;
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
  const withApp = scenarioApp(driver);
  t.describe(`adapter scenarios: ${label}`, () => {
    runParityScenarios(withApp, (name, body) => t.it(name, body));
    // One file per behaviour, under adapter-behaviours/.
    const context = { it: (name: string, body: () => Promise<void>) => t.it(name, body), withApp };
    cookieIssuingBehaviours(context);
    loginAndLogoutBehaviours(context);
    expiryBehaviours(context);
    tamperedCookieBehaviours(context);
    csrfBehaviours(context);
    storeFailureBehaviours(context);
    concurrencyBehaviours(context);
    keyRotationBehaviours(context);
  });
}
