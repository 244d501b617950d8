/**
 * custos on runtimes with WebCrypto and nothing of Node (edge middleware, Workers without Node
 * compatibility): nothing here imports a `node:` module, which test/runtimes/workerd.test.ts
 * checks on workerd with no compatibility flag.
 */
export {
  type CookieSource,
  type EdgeRead,
  type EdgeReadFailure,
  type EdgeSession,
  type SealedSessionReaderOptions,
  sealedSessionReader,
} from './sealed-session-reader.js';
