import { readCookie } from '../../cookie/parse.js';
import { headerValue, type RequestLike } from '../../vocabulary/request.js';

/**
 * The request as the core should read it when the session cookie is no longer in the Cookie
 * header but cookie-parser already parsed it into `req.cookies` (an app or proxy layer that
 * rewrote `req.headers.cookie` after cookie-parser ran). express-session falls back to
 * `req.cookies` the same way. Nothing is trusted more than before: the value came from the same
 * client, and custos's own cookie is verified exactly as if the header had carried it.
 */
export function withParsedCookie(like: RequestLike, cookies: unknown, name: string): RequestLike {
  const value = (cookies as Record<string, unknown> | null | undefined)?.[name];
  if (typeof value !== 'string' || value.length === 0) return like;
  const header = headerValue(like.headers, 'cookie');
  if (readCookie(header, name).count > 0) return like;
  if (typeof (like.headers as { get?: unknown }).get === 'function') return like;
  const pair = `${name}=${encodeURIComponent(value)}`;
  return { ...like, headers: { ...like.headers, cookie: header ? `${header}; ${pair}` : pair } };
}
