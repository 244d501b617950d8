import type { ScenarioClient, ScenarioResponse } from './scenario-app.js';

export interface ParsedSetCookie {
  readonly name: string;
  readonly value: string;
  /** Lower-case attribute names → values (`''` for flags such as `Secure`). */
  readonly attributes: ReadonlyMap<string, string>;
}

/**
 * Splits one `Set-Cookie` value (attribute names are case-insensitive, RFC 6265bis).
 *
 * @example
 * ```ts
 * import { parseSetCookie } from 'custos/testing';
 *
 * const cookie = parseSetCookie('__Host-sid=abc; Path=/; HttpOnly; Secure; SameSite=Lax');
 * cookie.attributes.get('samesite'); // 'Lax'
 * cookie.attributes.has('httponly'); // true
 * ```
 */
export function parseSetCookie(header: string): ParsedSetCookie {
  const [pair = '', ...rest] = header.split(';');
  const eq = pair.indexOf('=');
  const attributes = new Map<string, string>();
  for (const part of rest) {
    const [key = '', ...value] = part.trim().split('=');
    attributes.set(key.toLowerCase(), value.join('='));
  }
  return { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), attributes };
}

export interface BrowserResponse extends ScenarioResponse {
  /** The session cookie this response set, if any. */
  readonly sessionCookie: ParsedSetCookie | undefined;
  json(): Record<string, unknown>;
}

/**
 * A small browser for one same-origin app: keeps the session cookie the server sets (dropping
 * it on `Max-Age=0`) and any other cookie (the pre-session CSRF visitor cookie), and sends them
 * back, like a real user agent would.
 *
 * @example
 * ```ts
 * import { ScenarioBrowser } from 'custos/testing';
 *
 * const browser = new ScenarioBrowser(client, manager.options.cookie.name); // client: from ScenarioDriver.start
 * await browser.post('/login/alice');
 * const replay = browser.clone(); // the same cookie in another "browser"
 * expect((await replay.get('/read')).json().userId).toBe('alice');
 * ```
 */
export class ScenarioBrowser {
  /** The session cookie's value. */
  cookie: string | undefined;
  /** Every other cookie the server set, by name. */
  readonly others: Map<string, string>;
  readonly #client: ScenarioClient;
  readonly #name: string;

  constructor(client: ScenarioClient, cookieName: string, cookie?: string, others?: ReadonlyMap<string, string>) {
    this.#client = client;
    this.#name = cookieName;
    this.cookie = cookie;
    this.others = new Map(others);
  }

  async send(
    method: string,
    path: string,
    headers: Record<string, string> = {},
    body?: string,
  ): Promise<BrowserResponse> {
    const sent = { ...headers };
    const pairs = [...this.others].map(([name, value]) => `${name}=${value}`);
    if (this.cookie !== undefined) pairs.unshift(`${this.#name}=${this.cookie}`);
    if (pairs.length > 0 && sent.cookie === undefined) sent.cookie = pairs.join('; ');
    const response = await this.#client.send(
      body === undefined ? { method, path, headers: sent } : { method, path, headers: sent, body },
    );
    const parsed = response.setCookie.map(parseSetCookie);
    const sessionCookie = parsed.find((c) => c.name === this.#name);
    if (sessionCookie) this.cookie = sessionCookie.attributes.get('max-age') === '0' ? undefined : sessionCookie.value;
    for (const c of parsed) {
      if (c.name === this.#name) continue;
      if (c.attributes.get('max-age') === '0') this.others.delete(c.name);
      else this.others.set(c.name, c.value);
    }
    return {
      ...response,
      sessionCookie,
      json: () => JSON.parse(response.body) as Record<string, unknown>,
    };
  }

  get(path: string, headers?: Record<string, string>): Promise<BrowserResponse> {
    return this.send('GET', path, headers);
  }

  post(path: string, headers?: Record<string, string>, body?: string): Promise<BrowserResponse> {
    return this.send('POST', path, headers, body);
  }

  /** A second browser holding the same cookie (a replay), optionally against another app. */
  clone(client: ScenarioClient = this.#client): ScenarioBrowser {
    return new ScenarioBrowser(client, this.#name, this.cookie, this.others);
  }
}
