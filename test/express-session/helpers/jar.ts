import { parseSetCookie } from '../../helpers/cookies.js';

/**
 * A small browser cookie jar shared by the express-session and custos runs: keeps name=value,
 * drops cleared or expired cookies. Unlike superagent's jar it sends `Secure` cookies to
 * http://127.0.0.1, as browsers do for loopback.
 */
export class Jar {
  readonly cookies = new Map<string, string>();

  header(): string {
    return [...this.cookies].map(([n, v]) => `${n}=${v}`).join('; ');
  }

  take(headers: Record<string, unknown>): void {
    const raw = headers['set-cookie'];
    const list = raw === undefined ? [] : Array.isArray(raw) ? raw.map(String) : [String(raw)];
    for (const line of list) {
      const { name, value, attributes } = parseSetCookie(line);
      const maxAge = attributes.get('max-age');
      const expires = attributes.get('expires');
      const gone =
        value === '' ||
        (maxAge !== undefined && Number(maxAge) <= 0) ||
        (expires !== undefined && Date.parse(expires) <= Date.now());
      if (gone) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  clone(): Jar {
    const copy = new Jar();
    for (const [n, v] of this.cookies) copy.cookies.set(n, v);
    return copy;
  }
}

/** The session cookie lines of a response (either implementation's name). */
export function sessionSetCookies(headers: Record<string, unknown>): ReturnType<typeof parseSetCookie>[] {
  const raw = headers['set-cookie'];
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw.map(String) : [String(raw)];
  return list.map(parseSetCookie).filter((c) => c.name === 'connect.sid' || c.name === '__Host-sid');
}
