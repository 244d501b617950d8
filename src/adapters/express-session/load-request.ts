import { readCookie } from '../../cookie/parse.js';
import type { SessionManager } from '../../core/manager.js';
import type { Session } from '../../core/session.js';
import { headerValue, isLoopbackHost, type RequestLike, requestHost } from '../../vocabulary/request.js';
import type { LegacyConverter } from './legacy-conversion.js';
import { looksLikeLegacyCookie } from './legacy-cookie.js';
import type { CompatSettings } from './options.js';

export interface LoadingRequest {
  readonly native: Promise<Session<Record<string, unknown>>>;
  /** The browser sent an express-session cookie under a name custos does not use: clear it. */
  readonly sawLegacy: boolean;
}

/** The Cookie header without the named cookies, plus `extra` (a `name=value` pair) when given. */
function rewriteCookieHeader(header: string | undefined, drop: readonly string[], extra: string | null): string {
  const kept = (header ?? '')
    .split(';')
    .map((pair) => pair.trim())
    .filter((pair) => pair.length > 0 && !drop.includes(pair.slice(0, Math.max(0, pair.indexOf('='))).trim()));
  if (extra !== null) kept.push(extra);
  return kept.join('; ');
}

/**
 * Loads the request's session. A valid express-session cookie (and no custos cookie) is first
 * converted into a custos session, which is then loaded like any other and re-sent to the
 * browser. An express-session cookie is never handed to custos's own parser: it is foreign, not
 * forged, so it raises no `tampered` event and costs no guessing-counter strike.
 *
 * Whether a legacy cookie is to be cleared is known before anything is awaited, so the usual
 * request (no express-session cookie to convert) is the core's load promise itself, with no
 * promise around it.
 */
export function loadRequest(
  manager: SessionManager<Record<string, unknown>>,
  settings: CompatSettings,
  converter: LegacyConverter | null,
  request: RequestLike,
): LoadingRequest {
  const header = headerValue(request.headers, 'cookie');
  const legacy = readCookie(header, settings.expressSessionName);
  const sawLegacy = settings.legacyName !== null && legacy.count > 0;
  const own = settings.legacyName === null ? legacy : readCookie(header, settings.cookieName);
  const ownIsLegacy = own.value !== null && looksLikeLegacyCookie(own.value);
  if (!ownIsLegacy && (own.count > 0 || legacy.value === null || !looksLikeLegacyCookie(legacy.value))) {
    return { native: manager.load(request), sawLegacy };
  }
  return { native: convertThenLoad(manager, settings, converter, request, header, legacy.value), sawLegacy };
}

/** The express-session cookie converted (where custos could issue its own), then the load. */
async function convertThenLoad(
  manager: SessionManager<Record<string, unknown>>,
  settings: CompatSettings,
  converter: LegacyConverter | null,
  request: RequestLike,
  header: string | undefined,
  legacy: string | null,
): Promise<Session<Record<string, unknown>>> {
  // Checklist TLS-03: only where custos could issue its cookie is the old one converted
  // (over HTTPS, on loopback, or anywhere when the app wrote `cookie.secure: false`).
  const canIssue = request.secure || settings.insecureCookie || isLoopbackHost(requestHost(request));
  const client = { ip: request.remoteAddress, device: headerValue(request.headers, 'user-agent')?.slice(0, 256) };
  const token = converter && canIssue && legacy !== null ? await converter.convert(legacy, client) : null;
  const drop = [settings.cookieName, settings.expressSessionName];
  const cookie = rewriteCookieHeader(header, drop, token === null ? null : `${settings.cookieName}=${token}`);
  // Node's header record (toRequestLike passes req.headers), copied with the one header replaced.
  const headers = { ...(request.headers as Readonly<Record<string, string | readonly string[] | undefined>>), cookie };
  const native = await manager.load({ ...request, headers });
  if (token !== null) native.refreshCookie();
  return native;
}
