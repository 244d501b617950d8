import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect } from 'vitest';
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

/**
 * Writes the app for one platform (its own directory: its own manager) and returns the directory.
 * `tag` names the test file, so that files running at once never share a directory.
 */
function writeApp(tag: string, platform: 'express' | 'fastify'): string {
  const dir = join(root, 'test', '.generated', `nest-${tag}-${platform}`);
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

export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: Record<string, unknown>;
}

export /**
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

/** The recipe's app booted on one platform, and the requests the tests send it. */
export interface NestApp {
  /** The app's own manager (the module instance main.js imported), once the app is up. */
  readonly manager: SessionManager<object>;
  send(method: string, path: string, headers?: Record<string, string>, body?: string): Promise<Reply>;
  /** A JSON POST with a same-origin signal and the token in `x-csrf-token`. */
  postJson(path: string, cookie: string, token: string, value?: unknown): Promise<Reply>;
  home(cookie: string): Promise<{ visits: number; user: string | null; csrfToken: string }>;
  /** A new visitor: the visitor cookie and pre-session token from the first page. */
  newVisitor(): Promise<{ cookie: string; token: string }>;
  /** A visitor with a session (one counted visit), signed in as `user` when given. */
  withSession(user?: string): Promise<{ cookie: string; sid: string }>;
}

/**
 * Boots the recipe on each platform for one test file (`tag` names it) and declares the file's
 * tests against it, inside `NestJS on its <platform> platform`.
 */
export function onEachNestPlatform(tag: string, tests: (app: NestApp) => void): void {
  describe.each(['express', 'fastify'] as const)('NestJS on its %s platform', (platform) => {
    let server: Server;
    let base: string;
    let manager: SessionManager<object>;

    beforeAll(async () => {
      expect(files.has(`main-${platform}.ts`)).toBe(true);
      for (const name of shared) expect(files.has(name), name).toBe(true);
      delete process.env.SESSION_SECRET;
      process.env.PORT = '0';
      const dir = writeApp(tag, platform);
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

    tests({
      get manager() {
        return manager;
      },
      send,
      postJson,
      home,
      newVisitor,
      withSession,
    });
  });
}
