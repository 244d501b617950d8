import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/ports.js';
import { waitFor } from '../helpers/wait.js';

/**
 * The App Router fixture (test/fixtures/next-app), built with `next build` and served by
 * `next start`, driven over real HTTP the way a browser without JavaScript posts its forms:
 * route handlers, Server Actions and a server component reading the session.
 */
const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const NEXT_BIN = join(ROOT, 'node_modules/next/dist/bin/next');
const IDLE_SECONDS = 3;

let work: string;
const servers: ChildProcess[] = [];

/** custos compiled from this checkout's sources into its own package folder (dist/ is not assumed). */
async function packageFromSources(target: string): Promise<void> {
  await run(process.execPath, [
    join(ROOT, 'node_modules/typescript/bin/tsc'),
    '-p',
    join(ROOT, 'tsconfig.build.json'),
    '--outDir',
    join(target, 'dist'),
  ]);
  await cp(join(ROOT, 'package.json'), join(target, 'package.json'));
}

async function start(app: string, env: Record<string, string>): Promise<string> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [NEXT_BIN, 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: app,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', APP_ORIGIN: origin, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  servers.push(child);
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  await waitFor(`next start on ${origin}`, async () => (await fetch(`${origin}/api/counter`)).ok, 60_000).catch(
    (error) => {
      throw new Error(`${error.message}\n${output}`);
    },
  );
  return origin;
}

let app: string; // the long-idle server
let short: string; // the same build with a 3 s idle timeout

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'custos-next-'));
  const appDir = join(work, 'app');
  await cp(join(ROOT, 'test/fixtures/next-app'), appDir, { recursive: true });
  await mkdir(join(appDir, 'node_modules'));
  for (const name of ['next', 'react', 'react-dom']) {
    await symlink(join(ROOT, 'node_modules', name), join(appDir, 'node_modules', name), 'dir');
  }
  await packageFromSources(join(work, 'custos'));
  await symlink(join(work, 'custos'), join(appDir, 'node_modules/custos'), 'dir');
  await writeFile(join(appDir, '.gitignore'), '.next\n');
  try {
    await run(process.execPath, [NEXT_BIN, 'build'], {
      cwd: appDir,
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
      maxBuffer: 32 * 1024 * 1024,
    });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`next build failed:\n${stdout}\n${stderr}`);
  }
  [app, short] = await Promise.all([
    start(appDir, { SESSION_IDLE: '30m' }),
    start(appDir, { SESSION_IDLE: `${IDLE_SECONDS}s` }),
  ]);
}, 420_000);

afterAll(async () => {
  for (const child of servers) child.kill();
  if (work) await rm(work, { recursive: true, force: true });
});

/** A cookie jar of one client: name → value, from each response's Set-Cookie. */
class Client {
  readonly jar = new Map<string, string>();
  constructor(readonly origin: string) {}

  cookieHeader(): string {
    return [...this.jar].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  async send(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.jar.size > 0 && !headers.has('cookie')) headers.set('cookie', this.cookieHeader());
    const response = await fetch(`${this.origin}${path}`, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const name = pair.slice(0, pair.indexOf('='));
      const value = pair.slice(pair.indexOf('=') + 1);
      if (/max-age=0/i.test(line)) this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return response;
  }

  sid(): string | undefined {
    return this.jar.get('__Host-sid');
  }

  async counter(): Promise<{ user: string | null; visits: number; csrfToken: string }> {
    return (await this.send('/api/counter')).json();
  }

  async count(): Promise<Response> {
    const { csrfToken } = await this.counter();
    return this.send('/api/counter', { method: 'POST', headers: { 'x-csrf-token': csrfToken, origin: this.origin } });
  }

  /** The page as the server component renders it, with its forms' action ids and token. */
  async page(cookie?: string): Promise<{ user: string; visits: string; actions: string[]; token: string }> {
    const html = await (await this.send('/', cookie === undefined ? {} : { headers: { cookie } })).text();
    return {
      user: html.match(/id="user">([^<]*)</)?.[1] ?? 'missing',
      visits: html.match(/id="visits">([^<]*)</)?.[1] ?? 'missing',
      actions: [...html.matchAll(/name="(\$ACTION_ID_[0-9a-f]+)"/g)].map((m) => m[1] as string),
      token: html.match(/name="_csrf" value="([^"]*)"/)?.[1] ?? '',
    };
  }

  /** Posts a page form to its Server Action as a browser without JavaScript does. */
  async action(which: 'login' | 'count', fields: Record<string, string>, origin = this.origin): Promise<Response> {
    const { actions, token } = await this.page();
    const form = new FormData();
    form.set(actions[which === 'login' ? 0 : 1] ?? 'missing', '');
    form.set('_csrf', token);
    for (const [name, value] of Object.entries(fields)) form.set(name, value);
    return this.send('/', { method: 'POST', body: form, headers: { origin } });
  }
}

/** A visitor who counted once (a pre-login session) and then signed in through the login Server Action. */
async function signedIn(origin: string, user = 'alice') {
  const client = new Client(origin);
  expect((await client.count()).status).toBe(200);
  const before = client.sid();
  expect(before).toBeDefined();
  const login = await client.action('login', { user });
  expect(login.status).toBe(303);
  return { client, before: before as string, after: client.sid() as string };
}

describe('Next.js App Router (next build && next start)', () => {
  it('the login Server Action rotates the session id; the pre-login cookie is refused', async () => {
    const { client, before, after } = await signedIn(app);
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    expect((await client.counter()).user).toBe('alice');
    const stale = new Client(app);
    stale.jar.set('__Host-sid', before);
    expect(await stale.counter()).toMatchObject({ user: null, visits: 0 });
  });

  it('a server component shows the signed-in user from cookies, and writes no cookie', async () => {
    const { client, before } = await signedIn(app, 'bob');
    const response = await fetch(`${app}/`, { headers: { cookie: client.cookieHeader() } });
    expect(response.headers.getSetCookie()).toEqual([]);
    expect((await response.text()).match(/id="user">([^<]*)</)?.[1]).toBe('signed in as bob');
    expect((await client.page(`__Host-sid=${before}`)).user).toBe('signed out');
  });

  it('the counter persists across route handlers, Server Actions and the page', async () => {
    const { client } = await signedIn(app);
    expect(await (await client.count()).json()).toEqual({ visits: 1 });
    expect(await (await client.count()).json()).toEqual({ visits: 2 });
    expect((await client.action('count', {})).status).toBe(303);
    expect((await client.counter()).visits).toBe(3);
    expect((await client.page()).visits).toBe('3');
  });

  it('refuses a cross-origin Server Action (Next) and a forged-token one (custos); nothing is counted', async () => {
    const { client } = await signedIn(app);
    const cross = await client.action('count', {}, 'http://evil.example');
    expect(cross.status).toBeGreaterThanOrEqual(400);
    expect(cross.headers.getSetCookie()).toEqual([]);
    const forged = await client.action('count', { _csrf: 'forged' });
    expect(forged.status).toBeGreaterThanOrEqual(400);
    expect((await client.counter()).visits).toBe(0);
  });

  it('refuses a cross-origin POST to a route handler', async () => {
    const { client } = await signedIn(app);
    const { csrfToken } = await client.counter();
    const response = await client.send('/api/counter', {
      method: 'POST',
      headers: { 'x-csrf-token': csrfToken, origin: 'http://evil.example' },
    });
    expect(response.status).toBe(403);
    expect((await client.counter()).visits).toBe(0);
  });

  it('logout ends the session: cookie cleared, Clear-Site-Data sent, the old cookie refused', async () => {
    const { client, after } = await signedIn(app);
    const { csrfToken } = await client.counter();
    const response = await client.send('/api/logout', {
      method: 'POST',
      headers: { 'x-csrf-token': csrfToken, origin: app },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('clear-site-data')).toContain('cookies');
    expect(client.sid()).toBeUndefined();
    const stale = new Client(app);
    stale.jar.set('__Host-sid', after);
    expect((await stale.counter()).user).toBeNull();
    expect((await stale.page()).user).toBe('signed out');
  });

  it('an idle-expired session is refused by the page and the route handlers', async () => {
    const { client } = await signedIn(short);
    expect((await client.page()).user).toBe('signed in as alice');
    await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000 + 500));
    expect((await client.page()).user).toBe('signed out');
    expect((await client.counter()).user).toBeNull();
  });
});
