// One parser for tests and the published scenario suite (custos/testing).
export { parseSetCookie } from '../../src/testing/scenario-browser.js';

import { parseSetCookie } from '../../src/testing/scenario-browser.js';

export function setCookies(headers: Record<string, unknown> | Headers): string[] {
  if (headers instanceof Headers) return headers.getSetCookie();
  const raw = headers['set-cookie'];
  if (raw === undefined) return [];
  return Array.isArray(raw) ? raw.map(String) : [String(raw)];
}

/** The session cookie pair to send back (`name=value`), or undefined. */
export function sessionCookieFrom(headers: Record<string, unknown> | Headers, name = '__Host-sid'): string | undefined {
  const found = setCookies(headers)
    .map(parseSetCookie)
    .find((c) => c.name === name);
  return found ? `${found.name}=${found.value}` : undefined;
}

/** Every cookie the response set (the session's and the pre-session visitor cookie), as one `Cookie` header. */
export function cookieHeaderFrom(headers: Record<string, unknown> | Headers): string {
  return setCookies(headers)
    .map(parseSetCookie)
    .filter((c) => c.attributes.get('max-age') !== '0')
    .map((c) => `${c.name}=${c.value}`)
    .join('; ');
}
