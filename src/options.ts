import { assertCookieRules } from './cookie/serialize.js';
import { Keyring } from './crypto/keyring.js';
import { CustosError } from './errors.js';
import { type ProtectOptions, type ResolvedProtectOptions, resolveProtectOptions } from './protect/options.js';
import type { SessionStore } from './stores/contract.js';
import { isCookieStore } from './stores/cookie/index.js';
import { memoryStore } from './stores/memory/index.js';
import { type Duration, parseDuration } from './vocabulary/duration.js';
import type { EventListener } from './vocabulary/events.js';

/** NIST SP 800-63B assurance levels (checklist §4 table, decision D2). */
export type Preset = 'aal1' | 'aal2' | 'aal3';

/**
 * The idle and absolute timeouts (milliseconds) of each NIST SP 800-63B assurance level.
 *
 * @example
 * ```ts
 * import { PRESETS } from 'custos';
 *
 * PRESETS.aal2; // { idleTimeout: 1_800_000, absoluteTimeout: 43_200_000 }: 30 minutes idle, 12 hours at most
 * ```
 */
export const PRESETS: Record<Preset, { idleTimeout: number; absoluteTimeout: number }> = {
  aal1: { idleTimeout: 24 * 3_600_000, absoluteTimeout: 30 * 24 * 3_600_000 },
  aal2: { idleTimeout: 30 * 60_000, absoluteTimeout: 12 * 3_600_000 },
  aal3: { idleTimeout: 15 * 60_000, absoluteTimeout: 12 * 3_600_000 },
};

export interface CookieOptions {
  /** @default '__Host-sid' ('sid' only when `secure` is false) */
  name?: string;
  /** `'none'` is refused: SameSite is one of the CSRF layers. @default 'lax' */
  sameSite?: 'lax' | 'strict';
  /** Set to false only for plain-HTTP development; browsers drop `__Host-` cookies without it. @default true */
  secure?: boolean;
  /** Give the cookie a Max-Age equal to the remaining absolute lifetime ("remember me"). @default false */
  persistent?: boolean;
  /** Widens the cookie to subdomains; needs a `__Secure-` name. @default undefined (host-only) */
  domain?: string;
  /** @default '/' */
  path?: string;
}

export interface SessionOptions {
  /** Keyring, newest first, each at least 32 bytes. Older secrets still verify and open. */
  secrets: readonly (string | Buffer)[];
  /** Where sessions live. @default memoryStore() */
  store?: SessionStore;
  /** Defaults for the timeouts. @default 'aal2' (30 min idle, 12 h absolute) */
  preset?: Preset;
  /** Inactivity limit, enforced on the server on every read. @default '30m' */
  idleTimeout?: Duration;
  /** Hard limit from authentication, whatever the activity. @default '12h' */
  absoluteTimeout?: Duration;
  /** Rotate the id of a session older than this (never moves the absolute deadline). @default false */
  renewAfter?: Duration | false;
  /** How stale `lastSeenAt` may get before a read-only request writes it. @default idleTimeout / 10 */
  touchAfter?: Duration;
  /** How recent authentication must be for `requireFreshAuth()`. @default '5m' */
  freshAuth?: Duration;
  /** A store call slower than this fails with `STORE_UNAVAILABLE`. @default '2s' */
  storeTimeout?: Duration;
  /** Create a session (and cookie) for every visitor, even before anything is stored. @default false */
  saveUninitialized?: boolean;
  cookie?: CookieOptions;
  /**
   * Cap on concurrent sessions per user; past it login applies `onMaxSessions` and emits `revoked`
   * (reason `max-sessions`). `Infinity` turns it off. @default 50 (Infinity with `cookieStore()`)
   */
  maxSessionsPerUser?: number;
  /** What login does when the cap is reached. @default 'evict-oldest' */
  onMaxSessions?: 'evict-oldest' | 'refuse';
  /** `Clear-Site-Data` directives sent on destroy; false sends none. @default ['"cache"', '"cookies"', '"storage"'] */
  clearSiteData?: readonly string[] | false;
  /** Receives typed events; never tokens or session data. */
  onEvent?: EventListener;
  /** Injectable clock for tests. @default Date.now */
  clock?: () => number;
  /** CSRF layers: allowed origins, Fetch Metadata policy, token field/header names. */
  protect?: ProtectOptions;
}

export interface ResolvedOptions {
  readonly keyring: Keyring;
  readonly store: SessionStore;
  readonly idleTimeout: number;
  readonly absoluteTimeout: number;
  readonly renewAfter: number | false;
  readonly touchAfter: number;
  readonly freshAuth: number;
  readonly storeTimeout: number;
  readonly saveUninitialized: boolean;
  readonly cookie: Required<Omit<CookieOptions, 'domain'>> & { domain: string | undefined };
  readonly maxSessionsPerUser: number;
  readonly onMaxSessions: 'evict-oldest' | 'refuse';
  readonly clearSiteData: string | null;
  readonly onEvent: EventListener | undefined;
  readonly clock: () => number;
  readonly protect: ResolvedProtectOptions;
}

/**
 * Default cap on one user's concurrent sessions: far above real use (phones, laptops, browsers),
 * low enough that one account cannot fill the store or make its device list unbounded (OWASP
 * Session Management Cheat Sheet, "Simultaneous Session Logons"; CWE-770).
 */
export const DEFAULT_MAX_SESSIONS_PER_USER = 50;

const invalid = (message: string) => new CustosError('INVALID_OPTION', message);

/** Validates everything at construction so a bad setting never surfaces on the first request. */
export function resolveOptions(options: SessionOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null)
    throw invalid('createSessions(options) needs an options object with at least `secrets`.');
  const keyring = new Keyring(options.secrets);
  const preset = options.preset ?? 'aal2';
  if (!(preset in PRESETS)) throw invalid(`preset must be 'aal1', 'aal2' or 'aal3'; got ${JSON.stringify(preset)}.`);
  const base = PRESETS[preset];
  const absoluteRaw = options.absoluteTimeout;
  if (absoluteRaw === 0 || absoluteRaw === Number.POSITIVE_INFINITY || absoluteRaw === null) {
    throw new CustosError(
      'NO_ABSOLUTE_TIMEOUT',
      'absoluteTimeout must be a finite duration: sessions without an absolute limit live forever (OWASP ASVS 7.3.2). Use e.g. 12h.',
    );
  }
  const idleTimeout =
    options.idleTimeout === undefined ? base.idleTimeout : parseDuration(options.idleTimeout, 'idleTimeout');
  const absoluteTimeout =
    absoluteRaw === undefined ? base.absoluteTimeout : parseDuration(absoluteRaw, 'absoluteTimeout');
  if (idleTimeout > absoluteTimeout)
    throw invalid('idleTimeout is longer than absoluteTimeout; make idleTimeout the shorter one.');
  const renewAfter =
    options.renewAfter === undefined || options.renewAfter === false
      ? false
      : parseDuration(options.renewAfter, 'renewAfter');
  const touchAfter =
    options.touchAfter === undefined
      ? Math.max(1, Math.floor(idleTimeout / 10))
      : parseDuration(options.touchAfter, 'touchAfter');
  if (touchAfter >= idleTimeout)
    throw invalid('touchAfter must be shorter than idleTimeout, or active sessions would expire.');
  const cookie = resolveCookie(options.cookie ?? {});
  // A sealed cookie is not listed anywhere a cap could count it, so there is no default cap there.
  const sealed = options.store !== undefined && isCookieStore(options.store);
  const max = options.maxSessionsPerUser ?? (sealed ? Number.POSITIVE_INFINITY : DEFAULT_MAX_SESSIONS_PER_USER);
  if (!(max === Number.POSITIVE_INFINITY || (Number.isInteger(max) && max >= 1)))
    throw invalid('maxSessionsPerUser must be a whole number of at least 1.');
  const onMax = options.onMaxSessions ?? 'evict-oldest';
  if (onMax !== 'evict-oldest' && onMax !== 'refuse')
    throw invalid("onMaxSessions must be 'evict-oldest' or 'refuse'.");
  const csd = options.clearSiteData ?? ['"cache"', '"cookies"', '"storage"'];
  if (csd !== false && (!Array.isArray(csd) || csd.some((d) => !/^"[a-z*]+"$/.test(d)))) {
    throw invalid('clearSiteData must be false or a list of quoted directives such as \'"cookies"\'.');
  }
  if (options.clock !== undefined && typeof options.clock !== 'function')
    throw invalid('clock must be a function returning epoch milliseconds.');
  if (options.onEvent !== undefined && typeof options.onEvent !== 'function')
    throw invalid('onEvent must be a function.');
  if (options.store !== undefined && (typeof options.store !== 'object' || typeof options.store.get !== 'function')) {
    throw invalid('store must be a custos store such as sqliteStore() or memoryStore().');
  }
  return {
    keyring,
    store: options.store ?? memoryStore(),
    idleTimeout,
    absoluteTimeout,
    renewAfter,
    touchAfter,
    freshAuth: options.freshAuth === undefined ? 5 * 60_000 : parseDuration(options.freshAuth, 'freshAuth'),
    storeTimeout: options.storeTimeout === undefined ? 2_000 : parseDuration(options.storeTimeout, 'storeTimeout'),
    saveUninitialized: options.saveUninitialized ?? false,
    cookie,
    maxSessionsPerUser: max,
    onMaxSessions: onMax,
    clearSiteData: csd === false || csd.length === 0 ? null : csd.join(', '),
    onEvent: options.onEvent,
    clock: options.clock ?? Date.now,
    protect: resolveProtectOptions(options.protect),
  };
}

function resolveCookie(cookie: CookieOptions): ResolvedOptions['cookie'] {
  const sameSiteRaw = (cookie.sameSite ?? 'lax') as string;
  const sameSite = typeof sameSiteRaw === 'string' ? sameSiteRaw.toLowerCase() : sameSiteRaw;
  if (sameSite !== 'lax' && sameSite !== 'strict') {
    throw new CustosError(
      'INVALID_COOKIE_OPTION',
      `cookie.sameSite must be 'lax' or 'strict'; ${JSON.stringify(sameSiteRaw)} would let other sites send the session cookie.`,
    );
  }
  const secure = cookie.secure ?? true;
  const name = cookie.name ?? (secure ? '__Host-sid' : 'sid');
  const path = cookie.path ?? '/';
  assertCookieRules(name, {
    secure,
    domain: cookie.domain,
    path,
    httpOnly: true,
    sameSite: sameSite === 'lax' ? 'Lax' : 'Strict',
  });
  return { name, sameSite, secure, persistent: cookie.persistent ?? false, domain: cookie.domain, path };
}
