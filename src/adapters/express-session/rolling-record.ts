import type { CompatCookie } from './cookie.js';

/**
 * When the session began, kept inside the express-session record while `custos.rollingDeploy`
 * is on: express-session resets the cookie's `expires` on every request, so the record itself
 * does not tell its age, and the absolute timeout (checklist: absolute expiry enforced on the
 * server) needs it. express-session carries unknown keys along as session data; the `$` prefix
 * keeps the key out of custos's own data when the mode is turned off (conversion reads it).
 */
export const STARTED_FIELD = '$custosStartedAt';

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
}

/**
 * The data, lifetime and start of an express-session record, or null when the value is no
 * express-session session (a custos envelope, a foreign value) or its cookie has expired (the
 * store was merely late to remove it: express-session's stores make the same check).
 */
export function readLegacyRecord(raw: unknown, now: number): LegacyRecordView | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || 'custos' in raw) return null;
  const { cookie, [STARTED_FIELD]: started, ...data } = raw as Record<string, unknown>;
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
    startedAt: typeof started === 'number' && Number.isFinite(started) ? started : null,
  };
}

/** The record express-session itself writes (`{ cookie, ...data }`), plus the session's start. */
export function legacyRecord(
  cookie: CompatCookie,
  secure: boolean,
  data: ReadonlyMap<string, string>,
  startedAt: number,
): Record<string, unknown> {
  const out: Record<string, unknown> = { cookie: { ...cookie.toJSON(), secure } };
  for (const [key, json] of data) out[key] = JSON.parse(json);
  out[STARTED_FIELD] = startedAt;
  return out;
}
