import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Jar } from './helpers/jar.js';
import { type SocketApp, startSocketApp, type Whoami } from './helpers/socket-io-app.js';

/** Real HTTP requests with a cookie jar, as a browser would make them before opening the socket. */
async function httpAs(jar: Jar, url: string, init: RequestInit = {}): Promise<Response> {
  const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...init.headers, cookie: jar.header() } });
  jar.take(Object.fromEntries([['set-cookie', res.headers.getSetCookie()]]));
  return res;
}

const login = (app: SocketApp, jar: Jar, user: string) =>
  httpAs(jar, `${app.url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ user }).toString(),
  });

/** Connects with the given Cookie header, asks the server who it is, and disconnects. */
async function whoami(app: SocketApp, cookie: string, transport: 'polling' | 'websocket'): Promise<Whoami> {
  const socket: Socket = connect(app.url, {
    transports: [transport],
    extraHeaders: cookie ? { cookie } : {},
    reconnection: false,
    forceNew: true,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return (await socket.timeout(5_000).emitWithAck('whoami')) as Whoami;
  } finally {
    socket.disconnect();
  }
}

describe('socket.io with io.engine.use(sessionMiddleware): socket.request.session', () => {
  let app: SocketApp;
  beforeAll(async () => {
    app = await startSocketApp();
  });
  afterAll(() => app.close());

  for (const transport of ['polling', 'websocket'] as const) {
    describe(`over ${transport}`, () => {
      it('carries the user of a session logged in over HTTP', async () => {
        const jar = new Jar();
        expect((await login(app, jar, 'ada')).status).toBe(302);
        const answer = await whoami(app, jar.header(), transport);
        expect(answer.user).toBe('ada');
        expect(answer.stored).toBe('ada');
        // The socket sees the same session the HTTP routes see.
        expect(answer.sessionID).toEqual(expect.any(String));
        expect((await whoami(app, jar.header(), transport)).sessionID).toBe(answer.sessionID);
      });

      it('gives an anonymous client no user', async () => {
        const answer = await whoami(app, '', transport);
        expect(answer.user).toBeNull();
        expect(answer.stored).toBeNull();
      });

      it('gives no user to the cookie of a session that logged out, nor to the one logout issued', async () => {
        const jar = new Jar();
        await login(app, jar, 'grace');
        const loggedIn = jar.header();
        expect((await whoami(app, loggedIn, transport)).user).toBe('grace');
        expect((await httpAs(jar, `${app.url}/logout`)).status).toBe(302);
        expect((await whoami(app, loggedIn, transport)).user).toBeNull();
        expect((await whoami(app, jar.header(), transport)).user).toBeNull();
      });

      it('gives no user to a forged cookie', async () => {
        expect((await whoami(app, 'connect.sid=forged.value', transport)).user).toBeNull();
      });
    });
  }
});

describe('socket.io with saveUninitialized left unset (express-session default: true)', () => {
  let app: SocketApp;
  beforeAll(async () => {
    app = await startSocketApp({ saveUninitialized: undefined });
  });
  afterAll(() => app.close());

  it("finds an anonymous visitor's session under the req.sessionID its first page was given", async () => {
    const jar = new Jar();
    const page = (await (await httpAs(jar, `${app.url}/facts`)).json()) as { sessionID: string };
    expect(jar.header()).toMatch(/^connect\.sid=/);
    for (const transport of ['polling', 'websocket'] as const) {
      expect((await whoami(app, jar.header(), transport)).sessionID).toBe(page.sessionID);
    }
  });
});

describe('socket.io with custos/express-session, shut down', () => {
  it('lets the process exit on its own once the server is closed (no timer or socket left behind)', async () => {
    const script = fileURLToPath(new URL('./helpers/socket-io-lifecycle.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += String(chunk);
    });
    // A guard, not a measurement: a process still alive long after its work is done is the failure.
    const guard = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    clearTimeout(guard);
    expect(output.trim()).toBe('user ada, closed');
    expect(code).toBe(0);
  }, 30_000);
});
