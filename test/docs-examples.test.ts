import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http, { type Server } from 'node:http';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookieHeaderFrom, sessionCookieFrom } from './helpers/cookies.js';

/**
 * Every README example except Express (test/readme.test.ts runs that one) and every example in
 * docs/frameworks.md, extracted verbatim from the Markdown and run: a copy-pasted example must work.
 */

interface Example {
  readonly name: string;
  readonly lang: 'js' | 'ts';
  readonly code: string;
}

/** The fenced block after each `<!-- {prefix}:name -->` marker. */
function extractExamples(markdown: string, prefix: string): Map<string, Example> {
  const found = new Map<string, Example>();
  const pattern = new RegExp(`<!-- ${prefix}:([\\w-]+) -->\\s*\`\`\`(js|ts)\\n([\\s\\S]*?)\`\`\``, 'g');
  for (const [, name = '', lang, code = ''] of markdown.matchAll(pattern)) {
    found.set(name, { name, lang: lang as 'js' | 'ts', code });
  }
  return found;
}

const root = process.cwd();
const generated = join(root, 'test', '.generated');
const readme = extractExamples(readFileSync(join(root, 'README.md'), 'utf8'), 'readme-example');
const docs = extractExamples(readFileSync(join(root, 'docs', 'frameworks.md'), 'utf8'), 'docs-example');

/** Servers the examples started, closed after the file (keep-alive sockets included). */
const servers: Server[] = [];

beforeAll(() => {
  mkdirSync(generated, { recursive: true });
  process.env.PORT = '0';
  // The examples must run without configuration: their development fallback secret is used.
  delete process.env.SESSION_SECRET;
});

afterAll(async () => {
  await Promise.all(
    servers.map(
      (server) =>
        new Promise((resolve) => {
          server.closeAllConnections();
          server.close(resolve);
        }),
    ),
  );
});

/**
 * Writes the example to test/.generated (TypeScript transpiled to JavaScript: a `.ts` file there
 * would be seen by the repo's type-check, which cannot resolve `custos`) and imports it in this
 * process, where the vitest config maps `custos/*` to src/. Returns the module and the servers it
 * started listening.
 */
async function runExample(
  source: string,
  example: Example,
): Promise<{ module: Record<string, unknown>; base?: string }> {
  const code =
    example.lang === 'ts'
      ? ts.transpileModule(example.code, {
          compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
        }).outputText
      : example.code;
  const file = join(generated, `${source}-${example.name}.mjs`);
  writeFileSync(file, code);
  const started: Server[] = [];
  const original = http.Server.prototype.listen;
  http.Server.prototype.listen = function capture(this: Server, ...args: unknown[]) {
    started.push(this);
    servers.push(this);
    return (original as (...a: unknown[]) => Server).apply(this, args);
  } as typeof original;
  let module: Record<string, unknown>;
  try {
    module = await import(file);
  } finally {
    http.Server.prototype.listen = original;
  }
  const server = started[0];
  if (!server) return { module };
  if (!server.listening) await new Promise((resolve) => server.once('listening', resolve));
  const address = server.address();
  return { module, base: `http://localhost:${typeof address === 'object' && address ? address.port : 0}` };
}

type Send = (method: string, path: string, headers?: Record<string, string>, body?: string) => Promise<Response>;

/** Requests over HTTP to a listening example. */
function overHttp(base: string): Send {
  return (method, path, headers = {}, body) => fetch(`${base}${path}`, { method, headers, body, redirect: 'manual' });
}

/** Requests straight to a Fetch example's exported handler (`GET`/`POST` exports, or one `handler`). */
function toHandler(module: Record<string, unknown>): Send {
  return (method, path, headers = {}, body) => {
    const handler = (module[method] ?? module.handler) as (request: Request) => Promise<Response>;
    return handler(new Request(`http://localhost${path}`, { method, headers, body }));
  };
}

/** README examples: each GET counts a visit; the cookie carries the count to the next request. */
async function checkCounter(send: Send): Promise<void> {
  const first = await send('GET', '/');
  expect(first.status).toBe(200);
  expect(await first.text()).toBe('visit 1');
  const cookie = sessionCookieFrom(first.headers) as string;
  expect(cookie).toMatch(/^__Host-sid=/);
  expect(first.headers.get('cache-control')).toBe('no-store');
  expect(await (await send('GET', '/', { cookie })).text()).toBe('visit 2');
  expect(await (await send('GET', '/', { cookie })).text()).toBe('visit 3');
  // Without the cookie it is a new visitor.
  expect(await (await send('GET', '/')).text()).toBe('visit 1');
}

/**
 * docs/frameworks.md examples: GET shows the count and a CSRF token (the pre-session one: no
 * session is created for looking at a form); a POST counts a visit only with a same-origin
 * signal and the token, and that POST creates the session.
 */
async function checkCsrfCounter(
  send: Send,
  read: (body: string) => { visits: number; token: string },
  postPath: string,
) {
  const first = await send('GET', '/');
  expect(first.status).toBe(200);
  expect(sessionCookieFrom(first.headers)).toBeUndefined();
  const visitor = cookieHeaderFrom(first.headers);
  expect(visitor).toMatch(/^__Host-csrf=/);
  let cookie = visitor;
  const { visits, token } = read(await first.text());
  expect(visits).toBe(0);
  expect(token.length).toBeGreaterThan(20);

  const post = (headers: Record<string, string>) => send('POST', postPath, { cookie, ...headers });
  expect((await post({ 'sec-fetch-site': 'cross-site', 'x-csrf-token': token })).status).toBe(403);
  expect((await post({ 'sec-fetch-site': 'same-origin' })).status).toBe(403);
  expect((await post({ 'sec-fetch-site': 'same-origin', 'x-csrf-token': 'forged' })).status).toBe(403);
  expect(read(await (await send('GET', '/', { cookie })).text()).visits).toBe(0);

  const accepted = await post({ 'sec-fetch-site': 'same-origin', 'x-csrf-token': token });
  expect(accepted.status).toBeLessThan(400);
  const session = sessionCookieFrom(accepted.headers) as string;
  expect(session).toMatch(/^__Host-sid=/);
  cookie = `${session}; ${visitor}`;
  const after = read(await (await send('GET', '/', { cookie })).text());
  expect(after.visits).toBe(1);
  return { cookie, token: after.token };
}

const readJson = (body: string) => {
  const parsed = JSON.parse(body) as { visits: number; csrfToken: string };
  return { visits: parsed.visits, token: parsed.csrfToken };
};
const readHtmlForm = (body: string) => ({
  visits: Number(/Count me \((\d+)\)/.exec(body)?.[1]),
  token: /name="_csrf" value="([^"]+)"/.exec(body)?.[1] as string,
});

describe('README examples (besides Express)', () => {
  it('has a marked example for each other framework', () => {
    expect([...readme.keys()].sort()).toEqual(['express', 'fastify', 'fetch', 'hono', 'koa', 'node']);
  });

  for (const name of ['fastify', 'koa', 'hono', 'node']) {
    it(`${name}: counts visits with a __Host-sid cookie`, async () => {
      const example = readme.get(name) as Example;
      expect(example.code).toContain(`from 'custos/${name}'`);
      expect(example.code).toContain('process.env.PORT ?? 3000');
      const { base } = await runExample('readme', example);
      await checkCounter(overHttp(base as string));
    });
  }

  it('fetch: the exported handler counts visits, also as `default.fetch`', async () => {
    const example = readme.get('fetch') as Example;
    expect(example.code).toContain("from 'custos/fetch'");
    const { module, base } = await runExample('readme', example);
    expect(base).toBeUndefined();
    await checkCounter(toHandler(module));
    expect((module.default as { fetch: unknown }).fetch).toBe(module.handler);
  });
});

describe('docs/frameworks.md examples', () => {
  it('has a marked example for each framework', () => {
    expect([...docs.keys()].sort()).toEqual(['edge', 'express', 'fastify', 'fetch', 'hono', 'koa', 'node']);
  });

  it('express: counts with CSRF, logs in with a new id, logs out', async () => {
    const { base } = await runExample('docs', docs.get('express') as Example);
    const send = overHttp(base as string);
    const { cookie, token } = await checkCsrfCounter(send, readHtmlForm, '/visit');

    const form = { 'sec-fetch-site': 'same-origin', 'content-type': 'application/x-www-form-urlencoded' };
    const body = `_csrf=${encodeURIComponent(token)}`;
    expect((await send('POST', '/login', { cookie, ...form }, '_csrf=forged')).status).toBe(403);
    const login = await send('POST', '/login', { cookie, ...form }, body);
    expect(login.status).toBe(303);
    const loggedIn = sessionCookieFrom(login.headers) as string;
    expect(loggedIn).toMatch(/^__Host-sid=/);
    expect(loggedIn).not.toBe(cookie);
    // The old id is dead (its record deleted); `login` without `keep` starts with no anonymous data.
    expect(readHtmlForm(await (await send('GET', '/', { cookie })).text()).visits).toBe(0);
    const fresh = readHtmlForm(await (await send('GET', '/', { cookie: loggedIn })).text());
    expect(fresh.visits).toBe(0);
    const counted = await send(
      'POST',
      '/visit',
      { cookie: loggedIn, ...form },
      `_csrf=${encodeURIComponent(fresh.token)}`,
    );
    expect(counted.status).toBe(303);
    const home = readHtmlForm(await (await send('GET', '/', { cookie: loggedIn })).text());
    expect(home.visits).toBe(1);

    const logout = await send(
      'POST',
      '/logout',
      { cookie: loggedIn, ...form },
      `_csrf=${encodeURIComponent(home.token)}`,
    );
    expect(logout.status).toBe(303);
    expect(logout.headers.get('clear-site-data')).toContain('"cookies"');
    const gone = await send('GET', '/', { cookie: loggedIn });
    expect(readHtmlForm(await gone.text()).visits).toBe(0);
  });

  for (const [name, postPath] of [
    ['fastify', '/visit'],
    ['koa', '/'],
    ['hono', '/visit'],
    ['node', '/'],
  ] as const) {
    it(`${name}: counts only same-origin POSTs with the session's token`, async () => {
      const example = docs.get(name) as Example;
      expect(example.code).toContain(`from 'custos/${name}'`);
      const { base } = await runExample('docs', example);
      await checkCsrfCounter(overHttp(base as string), readJson, postPath);
    });
  }

  it('edge: the middleware lets a signed-in sealed cookie through and sends everyone else to /login', async () => {
    const secret = 'docs-edge-example-secret-0123456789abcdefgh';
    process.env.SESSION_SECRET = secret;
    let middleware: (request: Request) => Promise<Response | undefined>;
    try {
      const { module } = await runExample('docs', docs.get('edge') as Example);
      middleware = module.middleware as typeof middleware;
    } finally {
      delete process.env.SESSION_SECRET;
    }
    const { withSessions } = await import('../src/adapters/fetch.js');
    const { createSessions } = await import('../src/index.js');
    const { cookieStore } = await import('../src/stores/cookie/index.js');
    const { memoryStore } = await import('../src/stores/memory/index.js');
    const manager = createSessions<{ theme: string }>({
      secrets: [secret],
      store: cookieStore({ revocation: memoryStore() }),
    });
    const issue = withSessions(manager, async (request, session) => {
      const path = new URL(request.url).pathname;
      if (path === '/login') await session.login('alice');
      else if (path === '/login-pending')
        await session.login('alice', { pending: true }); // MFA still to do
      else session.set('theme', 'dark');
      return new Response('ok');
    });
    const cookieOf = async (path: string) =>
      (sessionCookieFrom((await issue(new Request(`https://bank.test${path}`))).headers) as string).split(';')[0];
    const at = (cookie?: string) =>
      middleware(new Request('https://bank.test/account', { headers: cookie ? { cookie } : {} }));
    expect(await at(await cookieOf('/login'))).toBeUndefined();
    const refusedCookies = [
      undefined,
      await cookieOf('/anonymous'),
      await cookieOf('/login-pending'),
      '__Host-sid=g2.0.forged',
    ];
    for (const refused of refusedCookies) {
      const response = await at(refused);
      expect(response?.status).toBe(302);
      expect(response?.headers.get('location')).toBe('https://bank.test/login');
    }
  });

  it("fetch: the route's GET and POST exports count only with the token", async () => {
    const { module, base } = await runExample('docs', docs.get('fetch') as Example);
    expect(base).toBeUndefined();
    await checkCsrfCounter(toHandler(module), readJson, '/api/visits');
  });
});
