import type { SessionStore } from '../../stores/contract.js';

/** What the suite needs from a test runner; vitest, jest and `node:test` all fit. */
export interface ConformanceRunner {
  describe(name: string, body: () => void): unknown;
  it(name: string, body: () => Promise<void>): unknown;
  beforeEach(body: () => Promise<void>): unknown;
  afterEach(body: () => Promise<void>): unknown;
}

/** What each behaviour file gets from the suite: the runner and the store of the running test. */
export interface StoreBehaviourContext {
  readonly t: ConformanceRunner;
  /** The fresh store the factory made for the running test. */
  store(): SessionStore;
  /** A second, independent store (for export/import between stores), closed after the test. */
  another(): Promise<SessionStore>;
  /** The test closed the store itself; the suite must not close it again. */
  markClosed(): void;
}
