import type { CompatCookie } from './cookie.js';

/**
 * When the session began, kept inside the express-session record while `custos.rollingDeploy`
 * is on: express-session resets the cookie's `expires` on every request, so the record itself
 * does not tell its age, and the absolute timeout (checklist: absolute expiry enforced on the
 * server) needs it. express-session carries unknown keys along as session data; the `$` prefix
 * keeps the key out of custos's own data when the mode is turned off (conversion reads it).
 */
export const STARTED_FIELD = '$custosStartedAt';

/**
 * When a custos instance last saw the session, kept in the record for sessions without
 * `cookie.maxAge` (a browser-session cookie has no `expires` that could say it): custos's idle
 * timeout (checklist: idle expiry enforced server-side) is measured from it. Written only when
 * it moved by `touchAfter` (idle / 10 by default), as the core throttles its own `lastSeenAt`, so
 * a read-only request costs no write inside that window.
 */
export const SEEN_FIELD = '$custosSeenAt';

const finiteOrNull = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/** An express-session record as its stores keep it, read defensively (the store is shared with other code). */
export interface LegacyRecordView {
  readonly data: Record<string, unknown>;
  readonly originalMaxAge: number | null;
  /** The session's start when the record carries one (written in rolling mode), else null. */
  readonly startedAt: number | null;
  /**
   * A lower bound of the start for a record express-session wrote: it resets `expires` to
   * now + originalMaxAge whenever it touches the cookie, so the session began no later than that
   * reset (the conversion reads it the same way); `now` for a browser-session cookie.
   */
  readonly startedBefore: number;
  /** When a custos instance last saw the session (written for browser-session cookies only), else null. */
  readonly seenAt: number | null;
}

/**
 * The data, lifetime and start of an express-session record, or null when the value is no
 * express-session session (a custos envelope, a foreign value) or its cookie has expired (the
 * store was merely late to remove it: express-session's stores make the same check).
 */
export function readLegacyRecord(raw: unknown, now: number): LegacyRecordView | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || 'custos' in raw) return null;
  const { cookie, [STARTED_FIELD]: started, [SEEN_FIELD]: seen, ...data } = raw as Record<string, unknown>;
  const c = (typeof cookie === 'object' && cookie !== null ? cookie : {}) as {
    originalMaxAge?: unknown;
    expires?: unknown;
  };
  const expires = typeof c.expires === 'string' ? Date.parse(c.expires) : Number.NaN;
  if (expires <= now) return null;
  const originalMaxAge = typeof c.originalMaxAge === 'number' ? c.originalMaxAge : null;
  const lastReset = originalMaxAge !== null && Number.isFinite(expires) ? expires - originalMaxAge : now;
  return {
    data,
    originalMaxAge,
    startedBefore: Math.min(now, lastReset),
    startedAt: finiteOrNull(started),
    seenAt: finiteOrNull(seen),
  };
}

/**
 * The record express-session itself writes (`{ cookie, ...data }`), plus the session's start and,
 * for a browser-session cookie, when it was last seen (`now`: a record is only written by a request).
 */
export function legacyRecord(
  cookie: CompatCookie,
  secure: boolean,
  data: ReadonlyMap<string, string>,
  startedAt: number,
  now: number,
): Record<string, unknown> {
  const out: Record<string, unknown> = { cookie: { ...cookie.toJSON(), secure } };
  for (const [key, json] of data) out[key] = JSON.parse(json);
  out[STARTED_FIELD] = startedAt;
  if (cookie.originalMaxAge === null) out[SEEN_FIELD] = now;
  return out;
}

/** The session has been idle (no request on a custos instance) for the idle timeout: it ends. */
export function idleExpired(record: LegacyRecordView, idleTimeout: number, now: number): boolean {
  return record.originalMaxAge === null && record.seenAt !== null && record.seenAt + idleTimeout <= now;
}

/** A browser-session record whose last-seen stamp is missing or older than `touchAfter`: write it with this request. */
export function seenStampDue(record: LegacyRecordView, touchAfter: number, now: number): boolean {
  return record.originalMaxAge === null && (record.seenAt === null || now - record.seenAt >= touchAfter);
}
