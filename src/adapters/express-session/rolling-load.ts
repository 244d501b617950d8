import { readCookie } from '../../cookie/parse.js';
import type { SessionManager } from '../../core/manager.js';
import { randomToken } from '../../crypto/random.js';
import { callbackDestroy, callbackGet, callbackSet } from '../../stores/express-session/callback-store.js';
import { headerValue, type RequestLike } from '../../vocabulary/request.js';
import { snapshotOf } from './compat-session.js';
import { CompatCookie } from './cookie.js';
import { looksLikeLegacyCookie, unsignLegacyCookie } from './legacy-cookie.js';
import { COOKIE_FIELD } from './request-state.js';
import { idleExpired, legacyRecord, readLegacyRecord, seenStampDue } from './rolling-record.js';
import type { RollingContext, RollingStart } from './rolling-state.js';

/** The once-per-process warning of the mode: what it gives up, and when to turn it off. */
export const ROLLING_DEPLOY_WARNING =
  'custos.rollingDeploy is on: sessions are kept as express-session keeps them, so that express-session instances on the same store can read them: session data in plaintext in the store, and the session id unhashed in the store and in the cookie (a copy of the store is a copy of every session). Turn it off as soon as no instance runs express-session any more (the deploy is done and a rollback is no longer planned); each session is then converted to custos on its next request.';

/**
 * Where a rolling-mode request's session comes from:
 * - a valid express-session cookie whose record is in the store: that record, as it is now (an
 *   express-session instance may have written it since this instance last saw it);
 * - a custos cookie (a browser that met a custos instance without the mode, i.e. a rollback):
 *   its session is copied back into an express-session record under a new id and the custos
 *   session is deleted, so that express-session instances can read it from now on;
 * - otherwise a new, empty session.
 * The absolute timeout is checked on every read (checklist: absolute expiry enforced server-side):
 * a record older than it is deleted and the request starts a new session. So is the idle timeout
 * of a browser-session cookie (no `maxAge`, so no `expires` in the record), from the last-seen
 * stamp custos instances keep in the record (rolling-record.ts).
 */
export async function loadRolling(
  ctx: RollingContext,
  manager: SessionManager<Record<string, unknown>>,
  request: RequestLike,
): Promise<RollingStart> {
  const { settings, clock } = ctx;
  const now = clock();
  const header = headerValue(request.headers, 'cookie');
  const named = readCookie(header, settings.expressSessionName);
  const custos = settings.legacyName === null ? named : readCookie(header, settings.cookieName);
  const clearCustosCookie = settings.legacyName !== null && custos.count > 0;
  const fresh = (cookieSid: string | null): RollingStart => ({
    sid: null,
    cookieSid,
    data: {},
    originalMaxAge: settings.maxAge,
    startedAt: now,
    clearCustosCookie,
  });
  if (named.value !== null && looksLikeLegacyCookie(named.value)) {
    const sid = unsignLegacyCookie(named.value, settings.rawSecrets);
    if (sid === null) return fresh(null);
    const raw = await ctx.caller.call('get', () => callbackGet(ctx.store, sid));
    const record = readLegacyRecord(raw, now);
    if (record === null) return fresh(sid);
    const startedAt = record.startedAt ?? record.startedBefore;
    if (startedAt + manager.options.absoluteTimeout <= now) {
      await ctx.caller.call('destroy', () => callbackDestroy(ctx.store, sid));
      manager.emit({ type: 'expired-absolute', ip: request.remoteAddress, reason: 'rolling-deploy-record-too-old' });
      return fresh(sid);
    }
    if (idleExpired(record, manager.options.idleTimeout, now)) {
      await ctx.caller.call('destroy', () => callbackDestroy(ctx.store, sid));
      manager.emit({ type: 'expired-idle', ip: request.remoteAddress, reason: 'rolling-deploy-record-idle' });
      return fresh(sid);
    }
    return {
      sid,
      cookieSid: sid,
      data: record.data,
      originalMaxAge: record.originalMaxAge,
      startedAt,
      stampDue: record.startedAt === null || seenStampDue(record, manager.options.touchAfter, now),
      clearCustosCookie,
    };
  }
  if (custos.value === null || looksLikeLegacyCookie(custos.value)) return fresh(null);
  const shared = await sharedRollback(ctx, custos.value, () => backToExpressSession(ctx, manager, request));
  // Each request gets its own copy of the data: nested objects must not be shared between requests.
  return shared === null ? fresh(null) : { ...shared, data: JSON.parse(JSON.stringify(shared.data)) };
}

/**
 * A browser sends its parallel requests (page, XHRs) with the same custos cookie before the first
 * response replaces it: for this long they share the one express-session copy, instead of the
 * later ones finding the custos session deleted and starting an empty one (a sign-out).
 */
const SHARED_ROLLBACK_MS = 5_000;

function sharedRollback(
  ctx: RollingContext,
  cookie: string,
  convert: () => Promise<RollingStart | null>,
): Promise<RollingStart | null> {
  const now = ctx.clock();
  const recent = ctx.rollbacks.get(cookie);
  if (recent && now - recent.at < SHARED_ROLLBACK_MS) return recent.work;
  const entry = { work: convert(), at: now };
  ctx.rollbacks.set(cookie, entry);
  const forget = () => {
    if (ctx.rollbacks.get(cookie) === entry) ctx.rollbacks.delete(cookie);
  };
  // unref: a pending clean-up never keeps the process alive.
  entry.work.then(() => setTimeout(forget, SHARED_ROLLBACK_MS).unref(), forget);
  return entry.work;
}

/** Rollback: the custos session behind the request's custos cookie, re-stored as an express-session record. */
async function backToExpressSession(
  ctx: RollingContext,
  manager: SessionManager<Record<string, unknown>>,
  request: RequestLike,
): Promise<RollingStart | null> {
  const native = await manager.load(request);
  if (native.handle === null) return null;
  const { settings, clock } = ctx;
  const own = native.internalGet(COOKIE_FIELD);
  const originalMaxAge = typeof own === 'number' || own === null ? own : settings.maxAge;
  const data = native.toJSON() as Record<string, unknown>;
  const startedAt = native.createdAt ?? clock();
  const sid = randomToken(24);
  const cookie = new CompatCookie(settings, originalMaxAge, clock);
  const secure = !settings.insecureCookie || request.secure;
  const record = legacyRecord(cookie, secure, snapshotOf(data), startedAt, clock());
  // The express-session copy exists before the custos one is deleted: a failure in between leaves
  // the user signed in (the custos cookie still works), never signed out.
  await ctx.caller.call('set', () => callbackSet(ctx.store, sid, record));
  await native.destroy();
  await native.commit();
  manager.emit({ type: 'created', ip: request.remoteAddress, reason: 'converted-to-express-session' });
  return {
    sid,
    // No cookie names this id yet, so the response carries it.
    cookieSid: null,
    data,
    originalMaxAge,
    startedAt,
    clearCustosCookie: settings.legacyName !== null,
  };
}
