/**
 * `custos/testing`: the suites every store and every adapter must pass, usable from vitest,
 * jest or `node:test` (they only need `describe`/`it` and assert with `node:assert`).
 */
export * from './adapter-scenarios.js';
export { makeId, makeRecord, makeSealedValue, makeUserId } from './records.js';
export {
  type ConformanceFactory,
  type ConformanceRunner,
  type ConformanceSubject,
  runStoreConformance,
} from './store-conformance.js';
