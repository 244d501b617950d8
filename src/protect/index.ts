/**
 * `custos/protect`: the framework-free protection helpers, for code that wires custos into a
 * server the adapters do not cover. Each is a pure decision over a request's headers; the
 * adapters (`custos/express`, `custos/node`, ...) already apply them, so most apps never import
 * this entry.
 */
export { readCookie } from '../cookie/parse.js';
export { serializeCookie } from '../cookie/serialize.js';
export { type ContentTypeVerdict, type RequireJsonOptions, requireJson } from './content-type.js';
export {
  type HstsOptions,
  type HttpsDecision,
  type HttpsOptions,
  httpsDecision,
  MIN_HSTS_MAX_AGE,
  resolveHttpsOptions,
} from './https.js';
export type { PreSessionToken } from './presession.js';
export {
  compileTrustedProxies,
  type ProxyTrust,
  resolveClient,
  type TrustedProxies,
  type TrustPredicate,
} from './proxy.js';
export { CSRF_VARY, type CsrfVerdict } from './verify.js';
