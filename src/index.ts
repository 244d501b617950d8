export { readCookie } from './cookie/parse.js';
export { serializeCookie } from './cookie/serialize.js';
export type { SessionData } from './core/data.js';
export type { PageRequest, SessionInfo, SessionPage } from './core/device-list.js';
export { createSessions, SessionManager } from './core/manager.js';
export type { AuthInfo, LoginOptions, Session } from './core/session.js';
export { CustosError, type CustosErrorCode, isCustosError } from './errors.js';
export { type CookieOptions, PRESETS, type Preset, type SessionOptions } from './options.js';
export { type ContentTypeVerdict, type RequireJsonOptions, requireJson } from './protect/content-type.js';
export {
  type HstsOptions,
  type HttpsDecision,
  type HttpsOptions,
  httpsDecision,
  MIN_HSTS_MAX_AGE,
  resolveHttpsOptions,
} from './protect/https.js';
export type { GuessingOptions, HijackOptions, HijackPolicy, ProtectOptions } from './protect/options.js';
export type { PreSessionToken } from './protect/presession.js';
export {
  compileTrustedProxies,
  type ProxyTrust,
  resolveClient,
  type TrustedProxies,
  type TrustPredicate,
} from './protect/proxy.js';
export { CSRF_VARY, type CsrfVerdict } from './protect/verify.js';
export type { PatchResult, SessionPatch, SessionStore, StoredSession } from './stores/contract.js';
export { isStoredSession } from './stores/contract.js';
export { MemoryStore, memoryStore } from './stores/memory/index.js';
export { type Duration, parseDuration } from './vocabulary/duration.js';
export type { EventListener, SessionEvent, SessionEventType } from './vocabulary/events.js';
export type { HeaderSource, RequestLike } from './vocabulary/request.js';
