import { readCookie } from '../cookie/parse.js';
import { digestsEqual } from '../crypto/compare.js';
import type { PreSessionToken } from '../protect/presession.js';
import { headerValue, isLoopbackHost, type RequestLike, requestHost } from '../vocabulary/request.js';
import type { ProtectionGuards } from './guards.js';
import type { ManagerContext } from './manager-context.js';
import { isAbsoluteExpired, isIdleExpired } from './policy.js';
import { openFields } from './record.js';
import type { SealedCookieMode } from './sealed-cookie-mode.js';
import { type ClientContext, Session } from './session.js';
import { parseToken, secretVerifier } from './token.js';

/** What loading a request's session needs from the manager. */
export interface LoadContext {
  readonly ctx: ManagerContext;
  readonly guards: ProtectionGuards;
  /** Set when the store is `cookieStore()`: sessions live sealed in the cookie (checklist STO-03). */
  readonly sealed: SealedCookieMode | null;
  readonly preSessionCsrf: (request: RequestLike) => PreSessionToken;
}

/** A user agent summary short enough for a device list. */
function describeDevice(userAgent: string | undefined): string | undefined {
  if (!userAgent) return undefined;
  return userAgent.slice(0, 256);
}

/**
 * The session for a request. Untrusted input never throws: a garbled, forged, unknown,
 * duplicated or expired cookie gives an anonymous session plus an event (decision 8).
 * Only a failing store throws (`STORE_UNAVAILABLE`).
 */
export async function loadSession<D extends object>(load: LoadContext, request: RequestLike): Promise<Session<D>> {
  const { guards, sealed } = load;
  const { options, store, emit } = load.ctx;
  const ip = request.remoteAddress;
  const client: ClientContext = {
    ip,
    device: describeDevice(headerValue(request.headers, 'user-agent')),
    canIssueCookie: request.secure || !options.cookie.secure || isLoopbackHost(requestHost(request)),
    preSessionToken: () => load.preSessionCsrf(request),
  };
  guards.checkRequest(request);
  const ctx = sealed ? sealed.requestContext(load.ctx).ctx : load.ctx;
  const anonymous = (clear: boolean) => new Session<D>(ctx, client, null, clear ? 'clear' : 'none');
  const { value, count } = readCookie(headerValue(request.headers, 'cookie'), options.cookie.name);
  if (count > 1) {
    emit({ type: 'duplicate-cookie', ip, reason: 'duplicate-cookie-name' });
    return anonymous(false);
  }
  if (value === null) return anonymous(false);
  if (!client.canIssueCookie) {
    // Checklist TLS-03: a session cookie arriving over plain HTTP is never honoured.
    emit({ type: 'https-required', ip, reason: 'cookie-over-plain-http' });
    return anonymous(false);
  }
  if (sealed) {
    const loaded = await sealed.load(value, ctx, ip);
    if (!loaded.ok) {
      emit(loaded.event);
      return anonymous(true);
    }
    return checked(guards, new Session<D>(ctx, client, { ...loaded, secret: '' }, 'none'), client, anonymous);
  }
  const parsed = parseToken(options.keyring, value);
  if (!parsed.ok) {
    emit({ type: 'tampered', ip, reason: parsed.reason });
    return anonymous(true);
  }
  const { id, secret, keyIndex } = parsed.token;
  const record = await ctx.call('get', () => store.get(id));
  if (!record) {
    // Checklist TOK-03: an id we do not hold is never adopted.
    emit({ type: 'unknown-id', ip, handle: id });
    return anonymous(true);
  }
  if (!digestsEqual(record.verifier, secretVerifier(secret))) {
    emit({ type: 'tampered', ip, handle: id, reason: 'bad-secret' });
    return anonymous(true);
  }
  const now = options.clock();
  const expired = isAbsoluteExpired(record, now)
    ? 'expired-absolute'
    : isIdleExpired(record, options, now)
      ? 'expired-idle'
      : null;
  if (expired) {
    await ctx.call('destroy', () => store.destroy(id));
    emit({ type: expired, handle: id, userId: record.userId, ip });
    return anonymous(true);
  }
  const plain = openFields(options.keyring, record);
  if (!plain) {
    emit({ type: 'tampered', handle: id, ip, reason: 'bad-seal' });
    return anonymous(true);
  }
  if (keyIndex > 0) emit({ type: 'key-rotated', handle: id, userId: record.userId });
  const session = new Session<D>(ctx, client, { record, secret, plain, reissue: keyIndex > 0 }, 'none');
  return checked(guards, session, client, anonymous);
}

/**
 * Hijack signals on a loaded session (policy `destroy` ends it). Returns the session itself, not
 * a promise, in the common case: `load` then resolves without the extra ticks a returned
 * promise costs on every request.
 */
function checked<D extends object>(
  guards: ProtectionGuards,
  session: Session<D>,
  client: ClientContext,
  anonymous: (clear: boolean) => Session<D>,
): Session<D> | Promise<Session<D>> {
  if (!guards.checkHijack(session as Session<object>, client)) return session;
  return session.destroy().then(() => anonymous(true));
}
