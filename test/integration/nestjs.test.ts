import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SessionManager } from '../../src/core/manager.js';
import { cookieHeaderFrom, sessionCookieFrom } from '../helpers/cookies.js';

/**
 * The NestJS recipe in docs/frameworks.md, extracted verbatim and booted as a real Nest
 * application on its Express and on its Fastify platform, driven over loopback HTTP. The files are
 * compiled as a Nest project compiles them (`experimentalDecorators`, `emitDecoratorMetadata`);
 * they sit in test/.generated, outside the repo's type-check, which has neither option.
 */

const root = process.cwd();
const markdown = readFileSync(join(root, 'docs', 'frameworks.md'), 'utf8');

/** The fenced block after each `<!-- nest-example:file.ts -->` marker, by file name. */
function nestFiles(): Map<string, string> {
  const found = new Map<string, string>();
  const pattern = /<!-- nest-example:([\w.-]+) -->\s*```ts\n([\s\S]*?)```/g;
  for (const [, name = '', code = ''] of markdown.matchAll(pattern)) found.set(name, code);
  return found;
}

const files = nestFiles();
const shared = ['sessions.ts', 'signed-in.guard.ts', 'custos-error.filter.ts', 'app.controller.ts', 'app.module.ts'];

/**
 * The Express app is compiled as the Nest CLI's tsc does (with `emitDecoratorMetadata`), the
 * Fastify app as esbuild or SWC without a metadata plugin do (without): the docs say the recipe
 * needs no constructor type metadata.
 */
function compile(code: string, emitDecoratorMetadata: boolean): string {
  return ts.transpileModule(code, {
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      experimentalDecorators: true,
      emitDecoratorMetadata,
    },
  }).outputText;
}

/** Writes the app for one platform (its own directory: its own manager) and returns the directory. */
function writeApp(platform: 'express' | 'fastify'): string {
  const dir = join(root, 'test', '.generated', `nest-${platform}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  const metadata = platform === 'express';
  for (const name of shared) {
    writeFileSync(join(dir, name.replace(/\.ts$/, '.js')), compile(files.get(name) ?? '', metadata));
  }
  writeFileSync(join(dir, 'main.js'), compile(files.get(`main-${platform}.ts`) ?? '', metadata));
  return dir;
}

/** Imports the example's main.js and resolves with the server its `bootstrap()` starts listening. */
async function boot(dir: string): Promise<Server> {
  const original = http.Server.prototype.listen;
  const started = new Promise<Server>((resolve) => {
    http.Server.prototype.listen = function capture(this: Server, ...args: unknown[]) {
      http.Server.prototype.listen = original;
      this.once('listening', () => resolve(this));
      return (original as (...a: unknown[]) => Server).apply(this, args);
    } as typeof original;
  });
  try {
    await import(join(dir, 'main.js'));
    return await started;
  } catch (error) {
    http.Server.prototype.listen = original;
    throw error;
  }
}

interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: Record<string, unknown>;
}

/**
 * Type-checks every file of the recipe as a Nest project's tsconfig does. Fastify resolves to the
 * copy @nestjs/platform-fastify pins, as npm installs it when the app adds no Fastify of its own
 * (the docs say why: two copies have two `FastifyInstance` types).
 */
function typeErrors(): string[] {
  const dir = join(root, 'test', '.generated', 'nest-typecheck');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const names = [...files.keys()];
  for (const name of names) writeFileSync(join(dir, name), files.get(name) ?? '');
  const nestFastify = join(root, 'node_modules', '@nestjs', 'platform-fastify', 'node_modules', 'fastify');
  const program = ts.createProgram(
    names.map((name) => join(dir, name)),
    {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      strict: true,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      isolatedModules: true,
      skipLibCheck: true,
      noEmit: true,
      types: ['node'],
      typeRoots: [join(root, 'node_modules', '@types')],
      paths: {
        custos: [join(root, 'src', 'index.ts')],
        'custos/*': [join(root, 'src', 'adapters', '*.ts')],
        fastify: [join(nestFastify, 'fastify.d.ts')],
      },
    },
  );
  // Only the recipe's files are checked (custos' own sources have their own type-check).
  const diagnostics = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  for (const name of names) {
    const source = program.getSourceFile(join(dir, name));
    if (!source) throw new Error(`not compiled: ${name}`);
    diagnostics.push(...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source));
  }
  return diagnostics.map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
}

it('the recipe type-checks as a Nest project (strict, experimentalDecorators, emitDecoratorMetadata)', {
  timeout: 90_000,
}, () => {
  expect(typeErrors()).toEqual([]);
});

/** A store outage: every contract call rejects with an error naming a host (which must never leak). */
const OUTAGE = 'connect ECONNREFUSED secret-store.internal:6379';
const STORE_CALLS = ['create', 'get', 'patch', 'destroy', 'listByUser', 'destroyByUser', 'revokeAll'] as const;

function takeDown(store: object): () => void {
  const target = store as Record<string, unknown>;
  for (const name of STORE_CALLS) {
    Object.defineProperty(target, name, {
      value: () => Promise.reject(new Error(OUTAGE)),
      configurable: true,
      writable: true,
    });
  }
  return () => {
    for (const name of STORE_CALLS) delete target[name];
  };
}

describe.each(['express', 'fastify'] as const)('NestJS on its %s platform', (platform) => {
  let server: Server;
  let base: string;
  let manager: SessionManager<object>;

  beforeAll(async () => {
    expect(files.has(`main-${platform}.ts`)).toBe(true);
    for (const name of shared) expect(files.has(name), name).toBe(true);
    delete process.env.SESSION_SECRET;
    process.env.PORT = '0';
    const dir = writeApp(platform);
    server = await boot(dir);
    expect((server.address() as AddressInfo).address).toBe('127.0.0.1');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // The same module instance main.js imported: the app's own manager.
    manager = ((await import(join(dir, 'sessions.js'))) as { manager: SessionManager<object> }).manager;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  async function send(
    method: string,
    path: string,
    headers: Record<string, string> = {},
    body?: string,
  ): Promise<Reply> {
    const response = await fetch(`${base}${path}`, { method, headers, body, redirect: 'manual' });
    const text = await response.text();
    let json: Record<string, unknown> = {};
    if (response.headers.get('content-type')?.includes('json')) json = JSON.parse(text) as Record<string, unknown>;
    return { status: response.status, headers: response.headers, text, json };
  }

  /** A JSON POST with a same-origin signal and the token in `x-csrf-token`. */
  const postJson = (path: string, cookie: string, token: string, value: unknown = {}) =>
    send(
      'POST',
      path,
      { cookie, 'sec-fetch-site': 'same-origin', 'x-csrf-token': token, 'content-type': 'application/json' },
      JSON.stringify(value),
    );

  const home = async (cookie: string) => {
    const reply = await send('GET', '/', { cookie });
    expect(reply.status).toBe(200);
    return reply.json as { visits: number; user: string | null; csrfToken: string };
  };

  /** A new visitor: the visitor cookie and pre-session token from the first page. */
  async function newVisitor(): Promise<{ cookie: string; token: string }> {
    const first = await send('GET', '/');
    expect(first.status).toBe(200);
    return { cookie: cookieHeaderFrom(first.headers), token: String(first.json.csrfToken) };
  }

  /** A visitor with a session (one counted visit), signed in as `user` when given. */
  async function withSession(user?: string): Promise<{ cookie: string; sid: string }> {
    const visitor = await newVisitor();
    const visit = await postJson('/visit', visitor.cookie, visitor.token);
    expect(visit.status).toBe(201);
    const sid = sessionCookieFrom(visit.headers) as string;
    expect(sid).toMatch(/^__Host-sid=/);
    if (user === undefined) return { cookie: sid, sid };
    const login = await postJson('/login', sid, (await home(sid)).csrfToken, { user });
    expect(login.status).toBe(201);
    const next = sessionCookieFrom(login.headers) as string;
    return { cookie: next, sid: next };
  }

  it('anonymous read: the count and a pre-session CSRF token, and no session is created', async () => {
    const first = await send('GET', '/');
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ visits: 0, user: null });
    expect(String(first.json.csrfToken).length).toBeGreaterThan(20);
    expect(sessionCookieFrom(first.headers)).toBeUndefined();
    expect(cookieHeaderFrom(first.headers)).toMatch(/^__Host-csrf=/);
  });

  it('CSRF: refuses cross-origin and tokenless POSTs, accepts a same-origin one with the token', async () => {
    const { cookie, token } = await newVisitor();
    const refused: Record<string, string>[] = [
      { origin: 'https://evil.example', 'x-csrf-token': token },
      { 'sec-fetch-site': 'cross-site', 'x-csrf-token': token },
      { 'sec-fetch-site': 'same-origin' },
      { 'sec-fetch-site': 'same-origin', 'x-csrf-token': 'forged' },
    ];
    for (const headers of refused) {
      const reply = await send('POST', '/visit', { cookie, ...headers });
      expect(reply.status).toBe(403);
      expect(sessionCookieFrom(reply.headers)).toBeUndefined();
    }
    expect((await home(cookie)).visits).toBe(0);

    const accepted = await send('POST', '/visit', { cookie, 'sec-fetch-site': 'same-origin', 'x-csrf-token': token });
    expect(accepted.status).toBe(201);
    expect(accepted.json).toEqual({ visits: 1 });
    expect(sessionCookieFrom(accepted.headers)).toMatch(/^__Host-sid=/);
  });

  it('CSRF: the `_csrf` field of a posted form is read (the body is parsed before the check)', async () => {
    const { cookie } = await withSession();
    const token = (await home(cookie)).csrfToken;
    const form = { cookie, 'sec-fetch-site': 'same-origin', 'content-type': 'application/x-www-form-urlencoded' };
    expect((await send('POST', '/visit', form, '_csrf=forged')).status).toBe(403);
    const reply = await send('POST', '/visit', form, `_csrf=${encodeURIComponent(token)}`);
    expect(reply.status).toBe(201);
    expect(reply.json).toEqual({ visits: 2 });
  });

  it('a counter persists across requests', async () => {
    const { cookie } = await withSession();
    const token = (await home(cookie)).csrfToken;
    for (const expected of [2, 3, 4]) {
      const reply = await postJson('/visit', cookie, token);
      expect(reply.json).toEqual({ visits: expected });
    }
    expect((await home(cookie)).visits).toBe(4);
  });

  it('the guard refuses a signed-out request with 401', async () => {
    expect((await send('GET', '/account')).status).toBe(401);
    const { cookie } = await withSession();
    const refused = await send('GET', '/account', { cookie });
    expect(refused.status).toBe(401);
    expect(refused.text).not.toContain('visits');
  });

  it('login rotates the session id; the old cookie is refused', async () => {
    const { sid: before } = await withSession();
    const login = await postJson('/login', before, (await home(before)).csrfToken, { user: 'alice' });
    expect(login.status).toBe(201);
    expect(login.json).toEqual({ user: 'alice' });
    const after = sessionCookieFrom(login.headers) as string;
    expect(after).toMatch(/^__Host-sid=/);
    expect(after).not.toBe(before);

    expect(await send('GET', '/account', { cookie: after })).toMatchObject({ status: 200, json: { user: 'alice' } });
    expect((await send('GET', '/account', { cookie: before })).status).toBe(401);
    expect(await home(before)).toMatchObject({ user: null, visits: 0 });
  });

  it('logout ends the session; the old cookie is refused', async () => {
    const { cookie } = await withSession('bob');
    expect((await send('GET', '/account', { cookie })).status).toBe(200);
    const logout = await postJson('/logout', cookie, (await home(cookie)).csrfToken);
    expect(logout.status).toBe(201);
    expect(logout.headers.get('clear-site-data')).toContain('"cookies"');
    expect((await send('GET', '/account', { cookie })).status).toBe(401);
    expect(await home(cookie)).toMatchObject({ user: null, visits: 0 });
  });

  it("store outage: 503 from the adapter and through Nest's exception filter, never a stack or the cause", async () => {
    const { cookie } = await withSession('carol');
    const visitor = await newVisitor();
    const written: string[] = [];
    const capture = (chunk: unknown) => {
      written.push(String(chunk));
      return true;
    };
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    const restore = takeDown(manager.store);
    let atLoad: Reply;
    let inHandler: Reply;
    try {
      // Loading the session fails before Nest's router: the adapter answers.
      atLoad = await send('GET', '/account', { cookie });
      // No session to load; `login()` in the handler throws STORE_UNAVAILABLE into Nest's exception layer.
      inHandler = await postJson('/login', visitor.cookie, visitor.token, { user: 'dave' });
    } finally {
      restore();
      stderr.mockRestore();
      stdout.mockRestore();
    }
    expect(atLoad.status).toBe(503);
    expect(atLoad.text).toBe('Service unavailable');
    // Nest's own handler would have answered 500 and logged the stack: the filter saw the error.
    expect(inHandler.status).toBe(503);
    expect(inHandler.json).toEqual({ statusCode: 503, message: 'Service unavailable' });
    expect(inHandler.headers.get('cache-control')).toBe('no-store');
    expect(sessionCookieFrom(inHandler.headers)).toBeUndefined();
    for (const reply of [atLoad, inHandler]) {
      expect(reply.text).not.toContain('secret-store');
      expect(reply.text).not.toMatch(/\bat \S+ \(/);
    }
    const logged = written.join('');
    expect(logged).not.toContain('secret-store');
    expect(logged).not.toMatch(/\n\s+at /);

    // The store is back: the session survived the outage.
    expect(await send('GET', '/account', { cookie })).toMatchObject({ status: 200, json: { user: 'carol' } });
  });
});
