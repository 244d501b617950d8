import { createSessions, type SessionManager } from '../../core/manager.js';
import type { SessionOptions } from '../../options.js';
import { memoryStore } from '../../stores/memory/index.js';
import { type ScenarioClient, type ScenarioData, type ScenarioDriver, scenarioRoutes } from '../scenario-app.js';
import { ScenarioBrowser } from '../scenario-browser.js';
import { type InstrumentedStore, instrumentStore } from '../scenario-store.js';

export const COOKIE = '__Host-sid';
export const MINUTE = 60_000;
export const OLD_SECRET = 'scenario-secret-old-0123456789abcdefghijklmnop';
export const NEW_SECRET = 'scenario-secret-new-0123456789abcdefghijklmnop';
export const SAME_ORIGIN = { 'sec-fetch-site': 'same-origin' };

/** What each scenario gets: the app's manager, its store, a client and a clock it can move. */
export interface Harness {
  readonly manager: SessionManager<ScenarioData>;
  readonly store: InstrumentedStore;
  readonly client: ScenarioClient;
  advance(ms: number): void;
  browser(): ScenarioBrowser;
}

/** A store and clock two apps share, as two deploys of one service do. */
export interface SharedBackend {
  store: InstrumentedStore;
  now: { value: number };
}

export type WithApp = (
  options: Partial<SessionOptions>,
  body: (h: Harness) => Promise<void>,
  shared?: SharedBackend,
) => Promise<void>;

/** What each behaviour file gets from the suite. */
export interface AdapterBehaviourContext {
  readonly it: (name: string, body: () => Promise<void>) => unknown;
  readonly withApp: WithApp;
}

/**
 * Mounts the scenario routes with the adapter's driver over a fresh (or shared) instrumented
 * memory store and a manual clock, runs one scenario, and closes the app.
 */
export function scenarioApp(driver: ScenarioDriver): WithApp {
  return async (options, body, shared) => {
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
  };
}
