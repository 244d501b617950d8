import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import autocannon from 'autocannon';

export type ScenarioId = 'a' | 'b' | 'c' | 'd';

export const SCENARIOS: Record<ScenarioId, string> = {
  a: '(a) read, existing session',
  b: '(b) change one field',
  c: '(c) first visit creates session',
  d: '(d) login (id rotation)',
};

export interface RoundResult {
  readonly reqPerSec: number;
  readonly p99: number;
  readonly bad: number;
  readonly total: number;
}

/** One plain request; returns status, body and the `name=value` parts of every Set-Cookie. */
export function fetchOnce(url: string, cookie?: string): Promise<{ status: number; body: string; cookies: string[] }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: cookie ? { cookie } : {}, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => {
        const raw = res.headers['set-cookie'] ?? [];
        const cookies = raw.map((c) => c.split(';')[0] ?? '').filter((c) => !c.endsWith('='));
        resolve({ status: res.statusCode ?? 0, body, cookies });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Gets a session cookie from a target and checks it is honoured: after `/write`, `/read` must
 * return the written (non-zero) value with that cookie. Returns null for targets without sessions.
 */
export async function sessionCookie(base: string): Promise<string | null> {
  const created = await fetchOnce(`${base}/new`);
  if (created.cookies.length === 0) return null;
  const cookie = created.cookies.join('; ');
  const read = await fetchOnce(`${base}/read`, cookie);
  if (read.status !== 200 || read.body === '0') throw new Error(`${base}: the session cookie was not honoured`);
  return cookie;
}

export interface LoadOptions {
  readonly duration: number;
  readonly connections: number;
  /** autocannon's sampling tick (ms); runs last at least one tick. @default 1000 */
  readonly sampleInt?: number;
}

/**
 * The Cookie header a bare server receives in scenario (a): the same shape and length as a custos
 * session cookie, so every target parses the same request bytes and only the session work differs.
 */
export function bareCookie(): string {
  const part = (bytes: number) => randomBytes(bytes).toString('base64url');
  return `__Host-sid=${part(16)}.${part(32)}.${part(16)}`;
}

function cookieFromHeaders(headers: Record<string, unknown>): string | undefined {
  const raw = headers['set-cookie'] ?? headers['Set-Cookie'];
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const pairs = list.map((c) => String(c).split(';')[0] ?? '').filter((c) => !c.endsWith('='));
  return pairs.length > 0 ? pairs.join('; ') : undefined;
}

/** autocannon options for one scenario; (d) chains first visit → login per connection. */
export function scenarioRequest(base: string, scenario: ScenarioId, cookie: string | null): autocannon.Options {
  const url = base;
  const withCookie = cookie ? { cookie } : undefined;
  switch (scenario) {
    case 'a':
      return { url, requests: [{ method: 'GET', path: '/read', headers: withCookie }] };
    case 'b':
      return { url, requests: [{ method: 'GET', path: '/write', headers: withCookie }] };
    case 'c':
      return { url, requests: [{ method: 'GET', path: '/new' }] };
    case 'd':
      return {
        url,
        requests: [
          {
            method: 'GET',
            path: '/new',
            onResponse: (_status, _body, context, headers) => {
              (context as { cookie?: string }).cookie = cookieFromHeaders(headers as Record<string, unknown>);
            },
          },
          {
            method: 'GET',
            path: '/login',
            setupRequest: (req, context) => {
              const jar = (context as { cookie?: string }).cookie;
              return { ...req, headers: jar ? { ...req.headers, cookie: jar } : req.headers };
            },
          },
        ],
      };
  }
}

/** Runs load for `duration` seconds; the generator lives in this (parent) process. */
export async function runLoad(options: autocannon.Options, load: LoadOptions): Promise<RoundResult> {
  const sampleInt = load.sampleInt ?? 1000;
  const result = await autocannon({
    ...options,
    duration: load.duration,
    connections: load.connections,
    pipelining: 1,
    sampleInt,
  });
  return {
    reqPerSec: result.requests.average * (1000 / sampleInt),
    p99: result.latency.p99,
    bad: result.non2xx + result.errors + result.timeouts,
    total: result.requests.total,
  };
}

/** `amount` requests one after another (no autocannon tick to wait for), for counting store commands. */
export async function runSequential(
  base: string,
  scenario: ScenarioId,
  cookie: string | null,
  amount: number,
): Promise<number> {
  let sent = 0;
  while (sent < amount) {
    if (scenario === 'd') {
      const created = await fetchOnce(`${base}/new`);
      await fetchOnce(`${base}/login`, created.cookies.join('; '));
      sent += 2;
    } else {
      const path = scenario === 'a' ? '/read' : scenario === 'b' ? '/write' : '/new';
      await fetchOnce(`${base}${path}`, scenario === 'c' ? undefined : (cookie ?? undefined));
      sent++;
    }
  }
  return sent;
}
