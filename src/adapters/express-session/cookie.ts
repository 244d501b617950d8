import {
  type CookieAttributeName,
  clearingCookie,
  maxAgeSeconds,
  type SetCookie,
  serializeSetCookie,
} from '../../cookie/serialize.js';
import { type CompatSettings, type ExpressSessionCookieOptions, resolvePriority } from './options.js';

/**
 * The lifetime of a `new Cookie(options)`, read as express-session's Cookie reads it: `maxAge` in
 * ms or as a Date to expire at, else `expires`; a `maxAge` of another type is a bug in the caller.
 */
function standaloneLifetime(options: ExpressSessionCookieOptions, clock: () => number): number | null {
  const maxAge: unknown = options.maxAge;
  if (maxAge instanceof Date) return maxAge.getTime() - clock();
  if (typeof maxAge === 'number') return maxAge;
  if (maxAge !== undefined && maxAge !== null) throw new TypeError('maxAge must be a number or Date');
  return options.expires instanceof Date ? options.expires.getTime() - clock() : null;
}

/** The Date a standalone cookie was told to expire at, kept as the same object (as express-session does). */
function givenDate(options: ExpressSessionCookieOptions | undefined): Date | null {
  const maxAge: unknown = options?.maxAge;
  if (maxAge instanceof Date) return new Date(maxAge.getTime());
  if ((maxAge === undefined || maxAge === null) && options?.expires instanceof Date) return options.expires;
  return null;
}

/** The cookie facts a `CompatCookie` reports. */
type CookieFacts = Pick<CompatSettings, 'sameSite' | 'path' | 'domain'> & Partial<CookieFlags>;
type CookieFlags = Pick<CompatSettings, 'partitioned' | 'priority'>;

/**
 * `req.session.cookie`: express-session's Cookie surface. `maxAge`/`expires` change the browser
 * cookie's lifetime for this session; `secure`, `httpOnly`, `sameSite`, `path` and `domain` are
 * read-only facts of the custos cookie (changing them per session is not supported).
 *
 * @example
 * ```ts
 * import session from 'custos/express-session';
 *
 * app.use(session({ secret: process.env.SESSION_SECRET!, resave: false, saveUninitialized: false }));
 * app.post('/login', (req, res) => {
 *   if (req.body.remember) req.session.cookie.maxAge = 30 * 24 * 3_600_000; // "remember me" for 30 days
 *   res.redirect('/');
 * });
 * ```
 */
export class CompatCookie {
  /** The lifetime the cookie was given, in ms; null for a browser-session cookie. */
  originalMaxAge: number | null;
  #expires: Date | null;
  #changed = false;
  readonly #settings: CookieFacts;
  readonly #clock: () => number;

  /**
   * The middleware builds it from its settings. `new Cookie(options)` with express-session's
   * cookie options (as express-session's own code and tests do) works too: `maxAge`, `path`,
   * `domain` and `sameSite` are taken, `secure` and `httpOnly` stay custos's.
   */
  constructor(
    settings?: CookieFacts | ExpressSessionCookieOptions,
    originalMaxAge?: number | null,
    clock: () => number = Date.now,
  ) {
    let facts: CookieFacts;
    let lifetime: number | null;
    if (originalMaxAge === undefined) {
      const options = (settings ?? {}) as ExpressSessionCookieOptions;
      if (typeof options !== 'object') throw new TypeError('argument options must be an object');
      const sameSite = typeof options.sameSite === 'string' ? options.sameSite.toLowerCase() : options.sameSite;
      facts = {
        sameSite: sameSite === true || sameSite === 'strict' ? 'strict' : 'lax',
        path: options.path ?? '/',
        domain: options.domain,
        partitioned: options.partitioned === true,
        priority: resolvePriority(options.priority),
      };
      lifetime = standaloneLifetime(options, clock);
    } else {
      facts = settings as CookieFacts;
      lifetime = originalMaxAge;
    }
    this.#settings = facts;
    this.#clock = clock;
    this.originalMaxAge = lifetime;
    const given = originalMaxAge === undefined ? givenDate(settings as ExpressSessionCookieOptions) : null;
    this.#expires = given ?? (lifetime === null ? null : new Date(clock() + lifetime));
  }

  get expires(): Date | null {
    return this.#expires;
  }
  set expires(value: Date | null | false | undefined) {
    const next = value instanceof Date ? value : null;
    // Re-assigning the lifetime it already has (`expires = null` on a browser-session cookie) is
    // no change: express-session sends no new Set-Cookie for it either.
    if (next?.getTime() !== this.#expires?.getTime()) this.#changed = true;
    this.#expires = next;
    this.originalMaxAge = this.#expires === null ? null : this.#expires.getTime() - this.#clock();
  }

  /** Milliseconds left, like express-session's getter; assigning restarts the lifetime. */
  get maxAge(): number | null {
    return this.#expires === null ? null : this.#expires.getTime() - this.#clock();
  }
  set maxAge(ms: number | null | false | undefined) {
    this.expires = typeof ms === 'number' && Number.isFinite(ms) ? new Date(this.#clock() + ms) : null;
  }

  get secure(): true {
    return true;
  }
  get httpOnly(): true {
    return true;
  }
  get sameSite(): 'lax' | 'strict' {
    return this.#settings.sameSite;
  }
  get path(): string {
    return this.#settings.path;
  }
  get domain(): string | undefined {
    return this.#settings.domain;
  }
  /** Whether the cookie is sent `Partitioned`; `undefined` when not asked for, as express-session reports it. */
  get partitioned(): true | undefined {
    return this.#settings.partitioned ? true : undefined;
  }
  /** The `Priority` sent, in express-session's lower case; `undefined` when none. */
  get priority(): 'low' | 'medium' | 'high' | undefined {
    return this.#settings.priority?.toLowerCase() as 'low' | 'medium' | 'high' | undefined;
  }

  /** @internal Whether the handler changed the lifetime during this request. */
  get changed(): boolean {
    return this.#changed;
  }

  /** Restarts the lifetime from now (express-session's `resetMaxAge`/`touch`). */
  reset(): void {
    if (this.originalMaxAge !== null) this.#expires = new Date(this.#clock() + this.originalMaxAge);
  }

  /** express-session's `cookie.data`: the attributes as they are serialised. */
  get data() {
    return this.toJSON();
  }

  /** `name=value` with this cookie's attributes, value URL-encoded (as express-session's `serialize`). */
  serialize(name: string, value: string): string {
    const sameSite = this.sameSite === 'strict' ? 'Strict' : 'Lax';
    const base: SetCookie = {
      name,
      value: encodeURIComponent(value),
      attributes: { path: this.path, domain: this.domain, secure: true, httpOnly: true, sameSite },
    };
    const flags = { partitioned: this.#settings.partitioned === true, priority: this.#settings.priority };
    return serializeSetCookie(withCookieFlags(withCookieLifetime(base, this, this.#clock()), flags));
  }

  toJSON() {
    return {
      originalMaxAge: this.originalMaxAge,
      expires: this.#expires,
      secure: true,
      httpOnly: true,
      sameSite: this.sameSite,
      path: this.path,
      domain: this.domain,
      ...(this.partitioned ? { partitioned: true } : {}),
      ...(this.priority ? { priority: this.priority } : {}),
    };
  }
}

/** express-session lists the lifetime first, then the scope and flags. */
const LIFETIME_FIRST: readonly CookieAttributeName[] = [
  'Max-Age',
  'Expires',
  'Path',
  'Domain',
  'Secure',
  'HttpOnly',
  'SameSite',
  'Partitioned',
  'Priority',
];

/** `cookie.partitioned` and `cookie.priority` on the session cookie (not on clearing cookies). */
export function withCookieFlags(cookie: SetCookie, settings: CookieFlags): SetCookie {
  if (cookie.value === '' || (!settings.partitioned && settings.priority === undefined)) return cookie;
  return {
    ...cookie,
    attributes: { ...cookie.attributes, partitioned: settings.partitioned, priority: settings.priority },
  };
}

/**
 * Gives the session's cookie the express-session lifetime: `Max-Age` no longer than the
 * cookie's `maxAge` (and never past the absolute deadline the core already applied, checklist
 * CK-06), plus `Expires` for old clients; no lifetime at all for a browser-session cookie.
 */
export function withCookieLifetime(cookie: SetCookie, compat: CompatCookie | null, now: number): SetCookie {
  if (cookie.value === '') return cookie; // a clearing cookie keeps its attributes
  const { maxAge: coreMaxAge, expires: _expires, ...scope } = cookie.attributes;
  const ms = compat?.maxAge ?? null;
  if (ms === null) return { ...cookie, attributes: scope };
  // An expiry already past (`cookie.expires = new Date(0)`) is sent as given, as express-session
  // does: the browser drops the cookie at once either way.
  if (ms <= 0 && compat?.expires) {
    return { ...cookie, attributes: { ...scope, expires: compat.expires }, order: LIFETIME_FIRST };
  }
  const coreSeconds = coreMaxAge === undefined ? Number.POSITIVE_INFINITY : maxAgeSeconds(coreMaxAge);
  const capped = Math.max(0, Math.min(coreSeconds * 1000, ms));
  const expires = new Date(now + capped);
  // Max-Age counts whole seconds and 0 deletes the cookie at once: a lifetime under a second
  // (express-session accepts any maxAge) is carried by Expires alone, as express-session does.
  const maxAge = capped < 1000 ? undefined : Math.floor(capped / 1000);
  return { ...cookie, attributes: { ...scope, maxAge, expires }, order: LIFETIME_FIRST };
}

/** Clears the express-session cookie a browser still sends after the switch; its value is never read. */
export function legacyClearingCookie(settings: CompatSettings): SetCookie | null {
  if (settings.legacyName === null) return null;
  return clearingCookie(settings.legacyName, {
    path: settings.path,
    domain: settings.domain,
    // Not Secure unless the name demands it: the old cookie may have been set without it.
    secure: /^__(Host|Secure)-/.test(settings.legacyName),
    httpOnly: true,
    sameSite: 'Lax',
  });
}
