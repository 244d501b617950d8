import type { ScenarioClient, ScenarioResponse } from './scenario-app.js';

export interface ParsedSetCookie {
  readonly name: string;
  readonly value: string;
  /** Lower-case attribute names → values (`''` for flags such as `Secure`). */
  readonly attributes: ReadonlyMap<string, string>;
}

/** Splits one `Set-Cookie` value (attribute names are case-insensitive, RFC 6265bis). */
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
 * A one-cookie browser: keeps the session cookie the server sets (dropping it on `Max-Age=0`)
 * and sends it back, like a real user agent would for a same-origin app.
 */
export class ScenarioBrowser {
  cookie: string | undefined;
  readonly #client: ScenarioClient;
  readonly #name: string;

  constructor(client: ScenarioClient, cookieName: string, cookie?: string) {
    this.#client = client;
    this.#name = cookieName;
    this.cookie = cookie;
  }

  async send(method: string, path: string, headers: Record<string, string> = {}): Promise<BrowserResponse> {
    const sent = { ...headers };
    if (this.cookie !== undefined) sent.cookie = `${this.#name}=${this.cookie}`;
    const response = await this.#client.send({ method, path, headers: sent });
    const sessionCookie = response.setCookie.map(parseSetCookie).find((c) => c.name === this.#name);
    if (sessionCookie) this.cookie = sessionCookie.attributes.get('max-age') === '0' ? undefined : sessionCookie.value;
    return {
      ...response,
      sessionCookie,
      json: () => JSON.parse(response.body) as Record<string, unknown>,
    };
  }

  get(path: string, headers?: Record<string, string>): Promise<BrowserResponse> {
    return this.send('GET', path, headers);
  }

  post(path: string, headers?: Record<string, string>): Promise<BrowserResponse> {
    return this.send('POST', path, headers);
  }

  /** A second browser holding the same cookie (a replay), optionally against another app. */
  clone(client: ScenarioClient = this.#client): ScenarioBrowser {
    return new ScenarioBrowser(client, this.#name, this.cookie);
  }
}
