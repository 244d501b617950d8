import { parseDuration } from '../../core/duration.js';
import { MIN_SECRET_BYTES } from '../../crypto/keyring.js';
import { CustosError } from '../../errors.js';
import type { SessionOptions } from '../../options.js';
import type { TrustedProxies } from '../../protect/proxy.js';
import type { SessionStore } from '../../stores/contract.js';
import { type ExpressSessionStore, isExpressSessionStore } from './callback-store.js';
import { fromExpressSessionStore } from './store-adapter.js';

/** express-session's `cookie` option. Attributes custos always sets (Secure, HttpOnly) cannot be turned off. */
export interface ExpressSessionCookieOptions {
  /** Cookie lifetime in ms; also becomes the server-side idle timeout. @default null (browser-session cookie) */
  maxAge?: number | null;
  /** Refused: express-session itself deprecates it; use `maxAge`. */
  expires?: Date | null;
  /** Accepted for compatibility; custos always sends `Secure` (see the migration guide). */
  secure?: boolean | 'auto';
  /** `false` is refused: a script-readable session cookie is one XSS away from theft. */
  httpOnly?: boolean;
  /** `true` = `'strict'`; `false`/unset = `'lax'`; `'none'` is refused. */
  sameSite?: boolean | 'lax' | 'strict' | 'none';
  path?: string;
  domain?: string;
  /** Ignored. */
  partitioned?: boolean;
  /** Ignored. */
  priority?: 'low' | 'medium' | 'high';
}

/** custos settings with no express-session equivalent. */
export interface CustosExtensions {
  /** Server-side inactivity limit. @default cookie.maxAge, or 30 minutes without one */
  idleTimeout?: SessionOptions['idleTimeout'];
  /** Hard limit whatever the activity. @default max(12 h, cookie.maxAge) */
  absoluteTimeout?: SessionOptions['absoluteTimeout'];
  /** The custos cookie's name. @default '__Host-sid' ('__Secure-sid' with a domain or a path other than '/') */
  cookieName?: string;
  /** Proxies whose `X-Forwarded-*` headers are believed; overrides `proxy` and Express's `trust proxy`. */
  trustedProxies?: TrustedProxies;
  onEvent?: SessionOptions['onEvent'];
  clock?: SessionOptions['clock'];
  storeTimeout?: SessionOptions['storeTimeout'];
  clearSiteData?: SessionOptions['clearSiteData'];
}

/** express-session's options, as documented in its README. */
export interface ExpressSessionOptions {
  /** One secret or a list, newest first; each at least 32 bytes. */
  secret: string | readonly string[];
  /** The express-session cookie name; its old cookies are cleared, never trusted. @default 'connect.sid' */
  name?: string;
  cookie?: ExpressSessionCookieOptions;
  /** Ignored: custos ids always come from the CSPRNG. */
  genid?: (req: unknown) => string;
  /** Send the cookie on every response. @default false */
  rolling?: boolean;
  /** Ignored: custos writes only what changed, field by field. */
  resave?: boolean;
  /** Create and store a session for every visitor. @default false (express-session: true) */
  saveUninitialized?: boolean;
  /** true: believe `X-Forwarded-Proto` from `custos.trustedProxies` (loopback by default); false: never; unset: Express's `trust proxy`. */
  proxy?: boolean;
  /** What `req.session = null` / `delete req.session` does at the end of the request. @default 'keep' */
  unset?: 'destroy' | 'keep';
  /** An express-session store (connect-redis, connect-pg-simple, ...) or a custos store. @default custos memoryStore() */
  store?: ExpressSessionStore | SessionStore;
  custos?: CustosExtensions;
}

export interface CompatSettings {
  readonly manager: SessionOptions;
  /** Default cookie lifetime in ms, or null for a browser-session cookie. */
  readonly maxAge: number | null;
  readonly rolling: boolean;
  readonly unset: 'destroy' | 'keep';
  readonly proxy: boolean | undefined;
  readonly trustedProxies: TrustedProxies | undefined;
  /** The express-session cookie to clear when a browser still sends it; null when it is custos's own name. */
  readonly legacyName: string | null;
  readonly cookieName: string;
  readonly path: string;
  readonly domain: string | undefined;
  readonly sameSite: 'lax' | 'strict';
  /** What `req.sessionStore` shows: the store object the app passed. */
  readonly appStore: unknown;
}

const TWELVE_HOURS = 12 * 3_600_000;
const refuse = (code: 'INVALID_OPTION' | 'INVALID_COOKIE_OPTION' | 'SECRET_TOO_SHORT', message: string) =>
  new CustosError(code, message);

function isCustosStore(value: unknown): value is SessionStore {
  const v = value as Partial<SessionStore> | null;
  return typeof v === 'object' && v !== null && typeof v.create === 'function' && typeof v.patch === 'function';
}

function resolveSecrets(secret: unknown): string[] {
  const list = typeof secret === 'string' ? [secret] : Array.isArray(secret) ? [...secret] : [];
  if (list.length === 0 || list.some((s) => typeof s !== 'string')) {
    throw refuse('INVALID_OPTION', 'session({ secret }) is required: a string or an array of strings, newest first.');
  }
  list.forEach((s, i) => {
    // Checklist: a short secret is refused rather than stretched — a KDF cannot add entropy that is not there.
    if (Buffer.byteLength(s) < MIN_SECRET_BYTES) {
      throw refuse(
        'SECRET_TOO_SHORT',
        `secret${Array.isArray(secret) ? `[${i}]` : ''} is shorter than ${MIN_SECRET_BYTES} bytes. express-session accepted it; custos needs ${MIN_SECRET_BYTES}+ random bytes. Generate one with \`npx custos secret generate\` (or \`node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))"\`).`,
      );
    }
  });
  return list;
}

function resolveSameSite(value: ExpressSessionCookieOptions['sameSite']): 'lax' | 'strict' {
  if (value === true) return 'strict';
  if (value === undefined || value === false) return 'lax';
  const lower = typeof value === 'string' ? value.toLowerCase() : value;
  if (lower === 'lax' || lower === 'strict') return lower;
  throw refuse(
    'INVALID_COOKIE_OPTION',
    `cookie.sameSite ${JSON.stringify(value)} is refused: SameSite=None lets every other site send the session cookie (CSRF). Use 'lax' (default) or 'strict'.`,
  );
}

function resolveMaxAge(cookie: ExpressSessionCookieOptions): number | null {
  if (cookie.expires !== undefined && cookie.expires !== null) {
    throw refuse(
      'INVALID_COOKIE_OPTION',
      'cookie.expires is not supported (express-session deprecates it too); use cookie.maxAge in milliseconds.',
    );
  }
  const maxAge = cookie.maxAge ?? null;
  if (maxAge !== null && (typeof maxAge !== 'number' || !Number.isFinite(maxAge) || maxAge < 1000)) {
    throw refuse('INVALID_COOKIE_OPTION', 'cookie.maxAge must be a number of milliseconds, at least 1000.');
  }
  return maxAge;
}

/** Maps express-session's options onto custos, refusing the ones that would make sessions unsafe. */
export function resolveCompatOptions(options: ExpressSessionOptions): CompatSettings {
  if (typeof options !== 'object' || options === null) {
    throw refuse('INVALID_OPTION', 'session(options) needs an options object with at least `secret`.');
  }
  const secrets = resolveSecrets(options.secret);
  const cookie = options.cookie ?? {};
  if (cookie.httpOnly === false) {
    throw refuse(
      'INVALID_COOKIE_OPTION',
      'cookie.httpOnly: false is refused: a session cookie readable by scripts is stolen by any XSS. Remove the option.',
    );
  }
  const sameSite = resolveSameSite(cookie.sameSite);
  const maxAge = resolveMaxAge(cookie);
  const ext = options.custos ?? {};
  const path = cookie.path ?? '/';
  const cookieName = ext.cookieName ?? (cookie.domain !== undefined || path !== '/' ? '__Secure-sid' : '__Host-sid');
  const legacy = options.name ?? 'connect.sid';
  const idle = ext.idleTimeout !== undefined ? parseDuration(ext.idleTimeout, 'custos.idleTimeout') : maxAge;
  const absolute = ext.absoluteTimeout !== undefined ? ext.absoluteTimeout : Math.max(TWELVE_HOURS, idle ?? 0);
  if (options.unset !== undefined && options.unset !== 'keep' && options.unset !== 'destroy') {
    throw refuse('INVALID_OPTION', "unset must be 'keep' or 'destroy'.");
  }
  const store = options.store;
  let custosStore: SessionStore | undefined;
  if (store === undefined || store === null) custosStore = undefined;
  else if (isCustosStore(store)) custosStore = store;
  else if (isExpressSessionStore(store)) custosStore = fromExpressSessionStore(store);
  else throw refuse('INVALID_OPTION', 'store must be an express-session store (get/set/destroy) or a custos store.');
  const manager: SessionOptions = {
    secrets,
    store: custosStore,
    ...(idle === null ? {} : { idleTimeout: idle }),
    absoluteTimeout: absolute,
    saveUninitialized: options.saveUninitialized === true,
    // Secure always: `secure: false` and `'auto'` still never put the cookie on plain HTTP (checklist TLS-03).
    cookie: { name: cookieName, sameSite, secure: true, persistent: true, domain: cookie.domain, path },
    onEvent: ext.onEvent,
    clock: ext.clock,
    storeTimeout: ext.storeTimeout,
    clearSiteData: ext.clearSiteData,
  };
  return {
    manager,
    maxAge,
    rolling: options.rolling === true,
    unset: options.unset ?? 'keep',
    proxy: options.proxy,
    trustedProxies: ext.trustedProxies ?? (options.proxy === true ? ['loopback'] : undefined),
    legacyName: legacy === cookieName ? null : legacy,
    cookieName,
    path,
    domain: cookie.domain,
    sameSite,
    appStore: store,
  };
}
