import { expect } from 'vitest';
import type { RuntimeServer } from '../../runtimes/runtime-process.js';

/**
 * The browsers of test/express-session/switch-under-load-*.test.ts: a cookie jar per user, and the
 * requests and parallel bursts they send to the app's process.
 */

/** One browser: its cookies, sent with every request, replaced by every Set-Cookie. */
export class Browser {
  readonly cookies = new Map<string, string>();
  constructor(readonly name: string) {}

  header(): string {
    return [...this.cookies].map(([n, v]) => `${n}=${v}`).join('; ');
  }

  /** The session cookie values a response set, applied to the jar. */
  take(response: Response): string[] {
    const set: string[] = [];
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      const cleared = value === '' || attributes.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (cleared) this.cookies.delete(name);
      else {
        this.cookies.set(name, value);
        set.push(value);
      }
    }
    return set;
  }
}

export interface Reply {
  status: number;
  body: unknown;
  set: string[];
}

export async function send(server: RuntimeServer, browser: Browser, method: string, path: string, form?: string) {
  const response = await fetch(`${server.origin}${path}`, {
    method,
    redirect: 'manual',
    headers: {
      cookie: browser.header(),
      ...(form === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
    },
    body: form,
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: response.status, body, set: browser.take(response) } satisfies Reply;
}

/** One user's burst: 8 requests in parallel, all sent with the cookies the jar holds now. */
export async function burst(server: RuntimeServer, browser: Browser, round: number): Promise<Reply[]> {
  const cookie = browser.header();
  const fixed = new Browser(browser.name);
  for (const [n, v] of browser.cookies) fixed.cookies.set(n, v);
  const requests: Array<[string, string]> = [
    ['POST', '/count'],
    ['POST', `/cart/r${round}`],
    ['POST', `/seen/r${round}a`],
    ['POST', `/seen/r${round}b`],
    ['GET', '/me'],
    ['GET', '/state'],
    ['GET', '/me'],
    ['GET', '/state'],
  ];
  expect(fixed.header()).toBe(cookie);
  const replies = await Promise.all(requests.map(([method, path]) => send(server, fixed, method, path)));
  // The browser keeps the last cookie it was given (all of one burst carry the same one, as the switch checks).
  for (const [n, v] of fixed.cookies) browser.cookies.set(n, v);
  for (const n of browser.cookies.keys()) if (!fixed.cookies.has(n)) browser.cookies.delete(n);
  return replies;
}
