import type { SessionManager } from '../../src/core/manager.js';
import type { Session } from '../../src/core/session.js';
import type { RequestLike } from '../../src/vocabulary/request.js';
import { parseSetCookie } from './cookies.js';

/** A RequestLike as a browser on https://app.example.test would send it. */
export function req(
  cookie?: string,
  extra: Omit<Partial<RequestLike>, 'headers'> & { headers?: Record<string, string> } = {},
): RequestLike {
  const headers: Record<string, string> = {
    host: 'app.example.test',
    'user-agent': 'TestBrowser/1.0',
    ...(extra.headers ?? {}),
  };
  if (cookie !== undefined) headers.cookie = cookie;
  return { method: 'GET', url: '/', remoteAddress: '203.0.113.7', secure: true, ...extra, headers };
}

/** Commits a session like an adapter would and returns the cookie pair the browser would keep. */
export async function finish(
  session: Session<object>,
  previous?: string,
): Promise<{ cookie: string | undefined; headers: Array<[string, string]> }> {
  await session.commit();
  const headers = session.responseHeaders();
  const set = headers.find(([n]) => n === 'set-cookie');
  if (!set) return { cookie: previous, headers };
  const parsed = parseSetCookie(set[1]);
  return { cookie: parsed.value === '' ? undefined : `${parsed.name}=${parsed.value}`, headers };
}

/** Logs a user in through the core and returns the cookie. */
export async function loginAs<D extends object>(
  manager: SessionManager<D>,
  userId: string,
  device = 'TestBrowser/1.0',
): Promise<string> {
  const session = await manager.load(req(undefined, { headers: { 'user-agent': device } }));
  await session.login(userId);
  const { cookie } = await finish(session as Session<object>);
  if (!cookie) throw new Error('login issued no cookie');
  return cookie;
}
