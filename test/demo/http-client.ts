/**
 * A tiny cookie-keeping HTTP client for black-box tests of the demo: it behaves like a
 * same-origin browser (sends `Origin` on unsafe requests) unless told otherwise, and never
 * follows redirects, so every 303 can be asserted.
 */
export interface RequestOptions {
  method?: string;
  form?: Record<string, string>;
  json?: unknown;
  headers?: Record<string, string>;
  /** Leave out the `Origin` header a browser would send. */
  noOrigin?: boolean;
}

export class TestClient {
  readonly jar = new Map<string, string>();

  constructor(readonly base: string) {}

  cookie(name: string): string | undefined {
    return this.jar.get(name);
  }

  /** The session cookie's value (`__Host-sid`). */
  get sid(): string | undefined {
    return this.jar.get('__Host-sid');
  }

  async request(path: string, options: RequestOptions = {}): Promise<Response> {
    const method = options.method ?? (options.form || options.json !== undefined ? 'POST' : 'GET');
    const headers: Record<string, string> = { ...options.headers };
    if (this.jar.size > 0) headers.cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
    if (method !== 'GET' && method !== 'HEAD' && !options.noOrigin && !('origin' in headers)) {
      headers.origin = new URL(this.base).origin;
    }
    let body: string | undefined;
    if (options.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(options.form).toString();
    } else if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    const response = await fetch(new URL(path, this.base), { method, headers, body, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const cleared = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '';
      if (cleared) this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return response;
  }

  /** The `_csrf` value of the first form on a page. */
  async formToken(path = '/login'): Promise<string> {
    const html = await (await this.request(path)).text();
    const match = /name="_csrf" value="([^"]+)"/.exec(html);
    if (!match?.[1]) throw new Error(`no _csrf field on ${path}`);
    return match[1];
  }

  /** The token from `GET /api/session` (for `x-csrf-token`). */
  async apiToken(): Promise<string> {
    const body = (await (await this.request('/api/session')).json()) as { csrfToken: string };
    return body.csrfToken;
  }

  async login(username: string, password: string): Promise<Response> {
    const _csrf = await this.formToken('/login');
    return this.request('/login', { form: { username, password, _csrf } });
  }

  /** Posts a form with a fresh token taken from `tokenFrom` (a page carrying a form). */
  async post(path: string, form: Record<string, string>, tokenFrom = '/account'): Promise<Response> {
    const _csrf = await this.formToken(tokenFrom);
    return this.request(path, { form: { ...form, _csrf } });
  }

  async balance(): Promise<number> {
    const response = await this.request('/api/account');
    if (response.status !== 200) throw new Error(`/api/account answered ${response.status}`);
    return ((await response.json()) as { balance: number }).balance;
  }
}

export const secretsEnv = () => ({
  CUSTOS_SECRETS: 'demo-test-secret-0123456789abcdef0123456789abcdef',
  CUSTOS_STORE: 'memory:',
  HOST: '127.0.0.1',
});
