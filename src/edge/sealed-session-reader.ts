import { readCookie } from '../cookie/parse.js';
import { MAX_COOKIE_BYTES } from '../cookie/serialize.js';
import { fieldAad, INTERNAL, isInternal, SYSTEM_FIELD, unpackSystemField } from '../core/field-layout.js';
import { isStoredSession, type StoredSession } from '../stores/contract.js';
import { cookieRecordAad, SEALED_COOKIE } from '../stores/cookie/format.js';
import { type Duration, parseDuration } from '../vocabulary/duration.js';
import { deriveOpeningKeys } from './web-keys.js';
import { openWithWebCrypto } from './web-open.js';

export interface SealedSessionReaderOptions {
  /** The app's `secrets`, newest first: cookies sealed under any of them open. */
  readonly secrets: readonly (string | Uint8Array)[];
  /** The app's session cookie name. @default '__Host-sid' */
  readonly cookieName?: string;
  /**
   * A shorter idle timeout than the one the cookie was issued under (its idle deadline is sealed
   * into it and always applies). Pass the app's own if it was shortened since.
   */
  readonly idleTimeout?: Duration;
  /** Likewise for the absolute timeout, counted from the session's creation. */
  readonly absoluteTimeout?: Duration;
  /**
   * Whether a session was ended on the server (logout, "sign out everywhere", rotation): the
   * app's revocation store is not reachable from here. Without it a logged-out cookie still
   * reads as a session until its idle deadline, and the reader warns once.
   */
  readonly isRevoked?: (session: EdgeSession) => boolean | Promise<boolean>;
  /** @default Date.now */
  readonly clock?: () => number;
}

/** What a sealed session cookie says, once opened and checked. */
export interface EdgeSession {
  /** The session's public handle (as in events and device lists), never the cookie value. */
  readonly handle: string;
  readonly userId: string | null;
  readonly authenticatedAt: number | null;
  readonly createdAt: number;
  readonly lastSeenAt: number;
  /** When it expires unless used again (the idle deadline, or the absolute one if earlier). */
  readonly expiresAt: number;
  readonly absoluteExpiresAt: number;
  /**
   * True only for a completed login: a user is set and no step is pending (an MFA login half
   * done is not a logged-in session, checklist FIX-03). Gate on this, not on `userId`.
   */
  readonly isAuthenticated: boolean;
  /** The login's assurance level and methods, as the app's `session.auth` (level 0 when anonymous). */
  readonly auth: { readonly aal: number; readonly amr: readonly string[]; readonly pending: boolean };
  /** The session's data, as the app's `session.get()` returns it. */
  readonly data: Readonly<Record<string, unknown>>;
}

export type EdgeReadFailure =
  | 'no-cookie'
  | 'cookie-repeated'
  | 'bad-seal'
  | 'expired-idle'
  | 'expired-absolute'
  | 'revoked';

export type EdgeRead =
  | {
      readonly ok: true;
      readonly session: EdgeSession;
      /** False when no `isRevoked` was given: a logged-out copy would read the same. */
      readonly revocationChecked: boolean;
    }
  | { readonly ok: false; readonly reason: EdgeReadFailure };

/** What the reader accepts: a Fetch `Request`, its `Headers`, or a Cookie header value. */
export type CookieSource = Request | Headers | string | null | undefined;

let warnedUnchecked = false;

/**
 * Reads custos sealed-cookie sessions (`cookieStore()`) where only WebCrypto exists: edge
 * middleware, a Worker without Node compatibility, a browser-less gate in front of the app. It
 * opens and checks, never writes: renewing, rotating and ending sessions stay with the app
 * (`custos/fetch`, `custos/next`, …), which also sees the revocation store.
 *
 * @example
 * ```ts
 * import { sealedSessionReader } from 'custos/edge';
 *
 * const sessions = sealedSessionReader({ secrets: [process.env.SESSION_SECRET!] });
 * export async function middleware(request: Request) {
 *   const read = await sessions.read(request);
 *   if (!read.ok || !read.session.isAuthenticated) return Response.redirect(new URL('/login', request.url));
 * }
 * ```
 */
export function sealedSessionReader(options: SealedSessionReaderOptions) {
  const cookieName = options.cookieName ?? '__Host-sid';
  const clock = options.clock ?? Date.now;
  const idleTimeout = options.idleTimeout === undefined ? undefined : parseDuration(options.idleTimeout, 'idleTimeout');
  const absoluteTimeout =
    options.absoluteTimeout === undefined ? undefined : parseDuration(options.absoluteTimeout, 'absoluteTimeout');
  const keys = deriveOpeningKeys(options.secrets);
  // A rejected derivation would otherwise surface only at the first read, as an unhandled rejection first.
  keys.catch(() => {});
  const isRevoked = options.isRevoked;
  if (!isRevoked && !warnedUnchecked) {
    warnedUnchecked = true;
    console.warn(
      'custos/edge: sealedSessionReader() has no isRevoked: a cookie whose session was logged out reads as a session until its idle deadline. Pass isRevoked (asking the app), or let the app re-check every request that acts on the session.',
    );
  }

  async function open(opening: readonly CryptoKey[], value: string): Promise<StoredSession | null> {
    if (value.length > MAX_COOKIE_BYTES || !SEALED_COOKIE.test(value)) return null;
    const opened = await openWithWebCrypto(opening, value, cookieRecordAad(cookieName));
    if (opened === null) return null;
    try {
      const parsed: unknown = JSON.parse(opened.plaintext);
      return isStoredSession(parsed) ? parsed : null;
    } catch {
      return null;
    }
  }

  /**
   * The user's fields parsed, and the recorded authentication state; null when any field fails
   * to open (checklist STO-02). `$sys` wins over a separate `$auth` of an older record, as in
   * the app's codec (src/core/record.ts).
   */
  async function openFields(
    opening: readonly CryptoKey[],
    record: StoredSession,
  ): Promise<{ data: Record<string, unknown>; auth: EdgeSession['auth'] } | null> {
    const data: Record<string, unknown> = {};
    let authJson: string | undefined;
    let packedAuth: string | undefined;
    try {
      for (const name of Object.keys(record.fields)) {
        const sealed = record.fields[name] as string;
        const json = (await openWithWebCrypto(opening, sealed, fieldAad(record.id, name), true))?.plaintext;
        if (json === undefined) return null;
        if (name === SYSTEM_FIELD) {
          const internal = new Map<string, string>();
          if (!unpackSystemField(json, internal)) return null;
          packedAuth = internal.get(INTERNAL.auth);
        } else if (name === INTERNAL.auth) authJson = json;
        else if (!isInternal(name)) data[name] = JSON.parse(json) as unknown;
      }
      return { data, auth: readAuth(packedAuth ?? authJson) };
    } catch {
      return null; // a field whose plaintext is not JSON was not written by custos
    }
  }

  return {
    /** Opens and checks the session cookie of a request; never throws on what the client sent. */
    async read(source: CookieSource): Promise<EdgeRead> {
      const { value, count } = readCookie(cookieHeader(source), cookieName);
      if (count > 1) return { ok: false, reason: 'cookie-repeated' };
      if (value === null) return { ok: false, reason: 'no-cookie' };
      const opening = await keys;
      const record = await open(opening, value);
      if (record === null) return { ok: false, reason: 'bad-seal' };
      const now = clock();
      const absoluteAt = Math.min(
        record.absoluteExpiresAt,
        absoluteTimeout === undefined ? Number.POSITIVE_INFINITY : record.createdAt + absoluteTimeout,
      );
      if (now >= absoluteAt) return { ok: false, reason: 'expired-absolute' };
      const idleAt = Math.min(
        record.expiresAt,
        idleTimeout === undefined ? Number.POSITIVE_INFINITY : record.lastSeenAt + idleTimeout,
      );
      if (now >= idleAt) return { ok: false, reason: 'expired-idle' };
      const opened = await openFields(opening, record);
      if (opened === null) return { ok: false, reason: 'bad-seal' };
      const { data, auth } = opened;
      const session: EdgeSession = {
        handle: record.id,
        userId: record.userId,
        authenticatedAt: record.authenticatedAt,
        createdAt: record.createdAt,
        lastSeenAt: record.lastSeenAt,
        expiresAt: Math.min(idleAt, absoluteAt),
        absoluteExpiresAt: absoluteAt,
        isAuthenticated: record.userId !== null && !auth.pending,
        auth,
        data: Object.freeze(data),
      };
      if (isRevoked && (await isRevoked(session))) return { ok: false, reason: 'revoked' };
      return { ok: true, session, revocationChecked: isRevoked !== undefined };
    },
  };
}

/** `$auth` as the app's `session.auth` reads it: level 0, no methods, not pending when absent. */
function readAuth(json: string | undefined): EdgeSession['auth'] {
  const raw = (json === undefined ? undefined : JSON.parse(json)) as
    | { aal?: unknown; amr?: unknown; pending?: unknown }
    | null
    | undefined;
  const amr = Array.isArray(raw?.amr) ? raw.amr.filter((method): method is string => typeof method === 'string') : [];
  return {
    aal: typeof raw?.aal === 'number' ? raw.aal : 0,
    amr: Object.freeze(amr),
    pending: raw?.pending === true,
  };
}

function cookieHeader(source: CookieSource): string | null {
  if (source === null || source === undefined) return null;
  if (typeof source === 'string') return source;
  const headers = source instanceof Headers ? source : source.headers;
  return headers.get('cookie');
}
