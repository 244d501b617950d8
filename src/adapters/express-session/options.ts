import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { MIN_SECRET_BYTES } from '../../crypto/keyring.js';
import { CustosError } from '../../errors.js';
import type { SessionOptions } from '../../options.js';
import type { TrustedProxies } from '../../protect/proxy.js';
import type { SessionStore } from '../../stores/contract.js';
import { isCookieStore } from '../../stores/cookie/index.js';
import { type ExpressSessionStore, isExpressSessionStore } from '../../stores/express-session/callback-store.js';
import { fromExpressSessionStore } from '../../stores/express-session/store-adapter.js';
import { parseDuration } from '../../vocabulary/duration.js';
import { resolveSaveUninitialized } from './save-uninitialized.js';

/** express-session's `cookie` option. Attributes custos always sets (Secure, HttpOnly) cannot be turned off. */
export interface ExpressSessionCookieOptions {
  /** Cookie lifetime in ms; also becomes the server-side idle timeout. @default null (browser-session cookie) */
  maxAge?: number | null;
  /** Refused: express-session itself deprecates it; use `maxAge`. */
  expires?: Date | null;
  /**
   * Unset, `true` or `'auto'`: `Secure`, and no cookie on plain HTTP (except loopback). An explicit
   * `false`: over HTTPS still `Secure`; over plain HTTP a non-Secure cookie, with a warning.
   */
  secure?: boolean | 'auto';
  /** `false` is refused: a script-readable session cookie is one XSS away from theft. */
  httpOnly?: boolean;
  /** `true` = `'strict'`; `false`/unset = `'lax'`; `'none'` is refused. */
  sameSite?: boolean | 'lax' | 'strict' | 'none';
  path?: string;
  domain?: string;
  /** `Partitioned` (CHIPS) on the session cookie; Secure as every custos cookie. */
  partitioned?: boolean;
  /** `Priority=Low|Medium|High` on the session cookie (Chromium's eviction order). */
  priority?: 'low' | 'medium' | 'high';
}

/** custos settings with no express-session equivalent. */
export interface CustosExtensions {
  /** Server-side inactivity limit. @default cookie.maxAge, or 30 minutes without one */
  idleTimeout?: SessionOptions['idleTimeout'];
  /** Hard limit whatever the activity. @default max(12 h, cookie.maxAge) */
  absoluteTimeout?: SessionOptions['absoluteTimeout'];
  /**
   * The cookie's name when it should differ from `name`, e.g. `'__Host-sid'` for the prefix's
   * browser-enforced guarantees. The old `name` cookie is then still read once for conversion,
   * and cleared. @default `name`
   */
  cookieName?: string;
  /**
   * Convert a valid express-session cookie whose record is in `store` into a custos session the
   * first time it is seen (new id, same data, old record deleted). @default true
   */
  convertExpressSessions?: boolean;
  /**
   * Migration mode for a rolling deploy (or a rollback) while express-session instances share
   * `store` with this one: sessions stay express-session sessions (its `s:<id>.<sig>` cookie
   * under `name`, its plain `{ cookie, ...data }` record through the store's `set`), so requests
   * may alternate between old and new instances without anyone being signed out; a custos cookie
   * is turned back into an express-session one. Session data then sits in plaintext in the store
   * and ids are unhashed (a once-per-process warning says so). Turn it off once no instance runs
   * express-session: each session is converted to custos on its next request. Needs an
   * express-session store. @default false
   */
  rollingDeploy?: boolean;
  /** Proxies whose `X-Forwarded-*` headers are believed; overrides `proxy` and Express's `trust proxy`. */
  trustedProxies?: TrustedProxies;
  onEvent?: SessionOptions['onEvent'];
  clock?: SessionOptions['clock'];
  storeTimeout?: SessionOptions['storeTimeout'];
  /** `Clear-Site-Data` directives sent on destroy, e.g. `['"cookies"']`. @default false (express-session clears only its cookie) */
  clearSiteData?: SessionOptions['clearSiteData'];
}

/** A signing secret: express-session accepts strings and Buffers alike. */
export type Secret = string | Buffer;

/** express-session's options, as documented in its README. */
export interface ExpressSessionOptions {
  /** One secret or a list, newest first (strings or Buffers, as in express-session). Under 32 bytes works (with a warning), except with `cookieStore()`. */
  secret: Secret | readonly Secret[];
  /** The cookie's name, as in express-session. @default 'connect.sid' */
  name?: string;
  /** express-session's deprecated spelling of `name`; `name` wins when both are given. */
  key?: string;
  /** The cookie's settings, or a function giving them for each request (see `cookie-function.ts`). */
  cookie?: ExpressSessionCookieOptions | CookieOptionsFor;
  /** Ignored, with a warning: custos ids always come from the CSPRNG. */
  genid?: (req: unknown) => string;
  /** Send the cookie on every response. @default false */
  rolling?: boolean;
  /** Ignored: custos writes only what changed, field by field. */
  resave?: boolean;
  /**
   * Create and store a session for every visitor, even one the app wrote nothing for.
   * @default true, as in express-session, with a once-per-process warning; set `false` to store only written sessions
   */
  saveUninitialized?: boolean;
  /** true: believe the first `X-Forwarded-Proto` (as express-session); false: never; unset: Express's `trust proxy`. `custos.trustedProxies` overrides all three. */
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
  /** `cookie.secure: false` was given: plain-HTTP responses carry a non-Secure cookie. */
  readonly insecureCookie: boolean;
  /** Where express-session cookies are read for conversion (`name`). */
  readonly expressSessionName: string;
  /** The secrets as given: express-session signed its cookies with the raw strings. */
  readonly rawSecrets: readonly Secret[];
  /** Whether valid express-session cookies are converted (needs an express-session store). */
  readonly convert: boolean;
  /** `custos.rollingDeploy`: sessions are served from express-session records, in its format. */
  readonly rollingDeploy: boolean;
  /** Configuration warnings to raise once the manager exists (event + once-per-process warning). */
  readonly warnings: ReadonlyArray<{ code: string; reason: string; message: string }>;
  readonly cookieName: string;
  readonly path: string;
  readonly domain: string | undefined;
  readonly sameSite: 'lax' | 'strict';
  /** `cookie.partitioned` and `cookie.priority`, as sent on the session cookie. */
  readonly partitioned: boolean;
  readonly priority: 'Low' | 'Medium' | 'High' | undefined;
  /** The store object the app passed (behind `req.sessionStore`'s session-data view). */
  readonly appStore: unknown;
  /** `cookie` given as a function of the request: called for each request. */
  readonly cookieFor: CookieOptionsFor | null;
}

/** express-session's `cookie` option as a function of the request. */
export type CookieOptionsFor = (req: IncomingMessage) => ExpressSessionCookieOptions;

const TWELVE_HOURS = 12 * 3_600_000;
const refuse = (code: 'INVALID_OPTION' | 'INVALID_COOKIE_OPTION' | 'SECRET_TOO_SHORT', message: string) =>
  new CustosError(code, message);

function isCustosStore(value: unknown): value is SessionStore {
  const v = value as Partial<SessionStore> | null;
  return typeof v === 'object' && v !== null && typeof v.create === 'function' && typeof v.patch === 'function';
}

const isSecret = (value: unknown): value is Secret =>
  (typeof value === 'string' || Buffer.isBuffer(value)) && value.length > 0;

function resolveSecrets(secret: unknown): Secret[] {
  // express-session's wording, so that apps and tests matching on it keep working.
  if (Array.isArray(secret) && secret.length === 0) {
    throw refuse('INVALID_OPTION', 'secret option array must contain one or more strings');
  }
  const list: unknown[] = Array.isArray(secret) ? [...secret] : secret === undefined ? [] : [secret];
  if (list.length === 0 || !list.every(isSecret)) {
    throw refuse(
      'INVALID_OPTION',
      'session({ secret }) is required: a string or Buffer, or an array of them, newest first.',
    );
  }
  return list;
}

const isShort = (secret: Secret) => Buffer.byteLength(secret) < MIN_SECRET_BYTES;

/**
 * The keyring for the core. A secret under 32 bytes is kept working, since apps built on
 * express-session's README (`'keyboard cat'`) would otherwise not start: with a server-side store
 * the record holds only a verifier of the cookie's 256-bit random secret, so a weak key cannot
 * forge a session; it weakens only the sealing of data at rest (and the MAC that spares the store
 * a lookup). The core needs 32 bytes, so the short secret is expanded by SHA-256 under a fixed
 * label: that adds no entropy (hence the warning), it only gives the key its length.
 */
function keyringSecrets(secrets: readonly Secret[]): Array<string | Buffer> {
  return secrets.map((s) =>
    isShort(s) ? createHash('sha256').update('custos/express-session/short-secret\u0000').update(s).digest() : s,
  );
}

function shortSecretWarning(secrets: readonly Secret[], sealedCookie: boolean) {
  const short = secrets.map((s, i) => (isShort(s) ? i : -1)).filter((i) => i >= 0);
  if (short.length === 0) return null;
  const fix = `Generate a new one with \`npx custos secret generate\` and list it first (secret: [newSecret, oldSecret]); the old one then only verifies existing cookies and opens existing data.`;
  if (sealedCookie) {
    // The sealed cookie carries the data itself: its key is all that stands between a copy of the
    // cookie and the data, and between the user and a forged session.
    throw refuse(
      'SECRET_TOO_SHORT',
      `a secret shorter than ${MIN_SECRET_BYTES} bytes is refused with cookieStore(): the session lives in the cookie, so a guessable key lets anyone read or forge it. ${fix}`,
    );
  }
  const which = short.length === secrets.length ? 'every secret' : `secret[${short.join('], secret[')}]`;
  const first = short[0] === 0;
  return {
    code: 'CUSTOS_SHORT_SECRET',
    reason: 'short-secret',
    message: `${which} is shorter than ${MIN_SECRET_BYTES} bytes. ${
      first
        ? "It is used to seal session data at rest, which a guessable secret (such as the README's 'keyboard cat') lets anyone with a copy of the store read."
        : 'It is only used to verify old cookies and open old data; new data is sealed with the first secret.'
    } Sessions themselves cannot be forged with it: the store keeps a verifier of each cookie's random secret. ${fix}`,
  };
}

export function assertHttpOnly(cookie: ExpressSessionCookieOptions): void {
  if (cookie.httpOnly === false) {
    throw refuse(
      'INVALID_COOKIE_OPTION',
      'cookie.httpOnly: false is refused: a session cookie readable by scripts is stolen by any XSS. Remove the option.',
    );
  }
}

/** express-session's (the cookie package's) priority values, any case; others are refused. */
export function resolvePriority(value: unknown): 'Low' | 'Medium' | 'High' | undefined {
  if (value === undefined || value === null) return undefined;
  const name = typeof value === 'string' ? value.toLowerCase() : '';
  if (name === 'low') return 'Low';
  if (name === 'medium') return 'Medium';
  if (name === 'high') return 'High';
  throw new CustosError('INVALID_COOKIE_OPTION', 'option priority is invalid: use "low", "medium" or "high".');
}

export function resolveSameSite(value: ExpressSessionCookieOptions['sameSite']): 'lax' | 'strict' {
  if (value === true) return 'strict';
  if (value === undefined || value === false) return 'lax';
  const lower = typeof value === 'string' ? value.toLowerCase() : value;
  if (lower === 'lax' || lower === 'strict') return lower;
  throw refuse(
    'INVALID_COOKIE_OPTION',
    `cookie.sameSite ${JSON.stringify(value)} is refused: SameSite=None lets every other site send the session cookie (CSRF). Use 'lax' (default) or 'strict'.`,
  );
}

export function resolveMaxAge(cookie: ExpressSessionCookieOptions): number | null {
  if (cookie.expires !== undefined && cookie.expires !== null) {
    throw refuse(
      'INVALID_COOKIE_OPTION',
      'cookie.expires is not supported (express-session deprecates it too); use cookie.maxAge in milliseconds.',
    );
  }
  const maxAge = cookie.maxAge ?? null;
  if (maxAge !== null && (typeof maxAge !== 'number' || !Number.isFinite(maxAge))) {
    throw refuse('INVALID_COOKIE_OPTION', 'cookie.maxAge must be a number of milliseconds.');
  }
  return maxAge;
}

/** Maps express-session's options onto custos, refusing the ones that would make sessions unsafe. */
export function resolveCompatOptions(options: ExpressSessionOptions): CompatSettings {
  if (typeof options !== 'object' || options === null) {
    throw refuse('INVALID_OPTION', 'session(options) needs an options object with at least `secret`.');
  }
  // Shape checks first, worded as express-session words them, before the secret is looked at.
  if (options.genid !== undefined && typeof options.genid !== 'function') {
    throw refuse('INVALID_OPTION', 'genid option must be a function');
  }
  if (options.unset !== undefined && options.unset !== 'keep' && options.unset !== 'destroy') {
    throw refuse('INVALID_OPTION', 'unset option must be "destroy" or "keep"');
  }
  const secrets = resolveSecrets(options.secret);
  // A function of the request is called per request; the defaults stand in for it at startup.
  const cookieFor = typeof options.cookie === 'function' ? options.cookie : null;
  const cookie: ExpressSessionCookieOptions =
    typeof options.cookie === 'object' && options.cookie !== null ? options.cookie : {};
  assertHttpOnly(cookie);
  const sameSite = resolveSameSite(cookie.sameSite);
  const insecure = cookie.secure === false;
  const maxAge = resolveMaxAge(cookie);
  const ext = options.custos ?? {};
  const path = cookie.path ?? '/';
  const name = options.name ?? options.key;
  if (name !== undefined && (typeof name !== 'string' || name.length === 0)) {
    throw refuse('INVALID_OPTION', 'name must be a non-empty cookie name.');
  }
  // `name` stays the cookie's name: other apps on the host, proxies and tests know it, and a
  // rollback to express-session finds its cookie where it left it. `__Host-` is opt-in (name it so).
  const legacy = name ?? 'connect.sid';
  const cookieName = ext.cookieName ?? legacy;
  if (insecure && /^__(Host|Secure)-/.test(cookieName)) {
    throw refuse(
      'INVALID_COOKIE_OPTION',
      `cookie.secure: false cannot go with the cookie name ${JSON.stringify(cookieName)}: browsers drop __Host-/__Secure- cookies without Secure. Remove secure: false, or pick another name.`,
    );
  }
  // A maxAge under the core's smallest idle window (touchAfter must stay below it) still expires
  // the browser cookie on time; the server keeps the record a few ms longer at most.
  const idle =
    ext.idleTimeout !== undefined
      ? parseDuration(ext.idleTimeout, 'custos.idleTimeout')
      : maxAge === null
        ? null
        : Math.max(maxAge, 2);
  const absolute = ext.absoluteTimeout !== undefined ? ext.absoluteTimeout : Math.max(TWELVE_HOURS, idle ?? 0);
  const warnings: Array<{ code: string; reason: string; message: string }> = [];
  if (typeof options.genid === 'function') {
    warnings.push({
      code: 'CUSTOS_GENID_IGNORED',
      reason: 'genid-ignored',
      message:
        'session({ genid }) is ignored: custos session ids always come from the CSPRNG (128-bit handle plus a 256-bit secret), since custom generators are where predictable ids come from (OWASP Session Management). Remove the option; keep your own identifier as session data if you need one.',
    });
  }
  const store = options.store;
  let custosStore: SessionStore | undefined;
  if (store === undefined || store === null) custosStore = undefined;
  else if (isCustosStore(store)) custosStore = store;
  else if (isExpressSessionStore(store)) custosStore = fromExpressSessionStore(store);
  else throw refuse('INVALID_OPTION', 'store must be an express-session store (get/set/destroy) or a custos store.');
  if (options.proxy === true && ext.trustedProxies === undefined) {
    warnings.push({
      code: 'CUSTOS_PROXY_ANY_CLIENT',
      reason: 'proxy-trusts-any-client',
      message:
        'proxy: true believes X-Forwarded-Proto from any client, as in express-session: a client that reaches the app directly over plain HTTP can claim HTTPS, and custos then issues and accepts the session cookie on that connection. List your proxies to believe them alone: custos: { trustedProxies: [...] }, or use Express\'s app.set("trust proxy", ...) and drop proxy: true.',
    });
  }
  if (ext.rollingDeploy === true && !isExpressSessionStore(store)) {
    throw refuse(
      'INVALID_OPTION',
      'custos.rollingDeploy needs the express-session store your express-session instances use (connect-redis, connect-pg-simple, ...): pass it as `store`, or remove custos.rollingDeploy.',
    );
  }
  const shortWarning = shortSecretWarning(secrets, custosStore !== undefined && isCookieStore(custosStore));
  if (shortWarning) warnings.push(shortWarning);
  const uninitialized = resolveSaveUninitialized(options.saveUninitialized);
  if (uninitialized.warning) warnings.push(uninitialized.warning);
  const manager: SessionOptions = {
    secrets: keyringSecrets(secrets),
    store: custosStore,
    ...(idle === null ? {} : { idleTimeout: idle }),
    absoluteTimeout: absolute,
    saveUninitialized: uninitialized.saveUninitialized,
    // Secure unless the app explicitly said `secure: false` (checklist TLS-03); even then the
    // entry adds `Secure` on every HTTPS response, so only plain-HTTP responses go without it.
    cookie: { name: cookieName, sameSite, secure: !insecure, persistent: true, domain: cookie.domain, path },
    onEvent: ext.onEvent,
    clock: ext.clock,
    storeTimeout: ext.storeTimeout,
    // express-session clears its own cookie only; wiping every cookie and storage of the site
    // (consent, locale, other apps on the host) is opt-in.
    clearSiteData: ext.clearSiteData ?? false,
  };
  return {
    manager,
    maxAge,
    rolling: options.rolling === true,
    unset: options.unset ?? 'keep',
    proxy: options.proxy,
    trustedProxies: ext.trustedProxies,
    legacyName: legacy === cookieName ? null : legacy,
    expressSessionName: legacy,
    insecureCookie: insecure,
    rawSecrets: secrets,
    convert: ext.convertExpressSessions !== false && store !== undefined && store !== null && !isCustosStore(store),
    rollingDeploy: ext.rollingDeploy === true,
    warnings,
    cookieName,
    path,
    domain: cookie.domain,
    sameSite,
    partitioned: cookie.partitioned === true,
    priority: resolvePriority(cookie.priority),
    appStore: store,
    cookieFor,
  };
}
