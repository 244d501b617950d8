import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sessionCookieFrom } from './helpers/cookies.js';

/** The README's Express example, extracted verbatim and run: it must work as written. */
describe('README Express example', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const marker = readme.indexOf('<!-- readme-example:express -->');
  const code = readme.slice(
    readme.indexOf('```js', marker) + 5,
    readme.indexOf('```', readme.indexOf('```js', marker) + 5),
  );
  const generated = join(process.cwd(), 'test', '.generated');
  const work = mkdtempSync(join(tmpdir(), 'custos-readme-'));
  const cwd = process.cwd();
  let server: Server | undefined;
  afterAll(() => {
    server?.close();
    process.chdir(cwd);
    rmSync(work, { recursive: true, force: true });
  });

  it('counts visits, logs in with a new id, logs out', async () => {
    expect(code).toContain("from 'custos/express'");
    mkdirSync(generated, { recursive: true });
    const file = join(generated, 'readme-express.mjs');
    // The example listens on PORT; capture the server it starts so the test can reach it.
    const http = await import('node:http');
    const servers: Server[] = [];
    const original = http.Server.prototype.listen;
    http.Server.prototype.listen = function capture(this: Server, ...args: unknown[]) {
      servers.push(this);
      return (original as (...a: unknown[]) => Server).apply(this, args);
    } as typeof original;
    writeFileSync(file, code);
    process.env.PORT = '0';
    process.chdir(work);
    try {
      await import(file);
    } finally {
      http.Server.prototype.listen = original;
    }
    server = servers[0] as Server;
    await new Promise((resolve) => (server?.listening ? resolve(null) : server?.once('listening', resolve)));
    const address = server.address();
    const base = `http://localhost:${typeof address === 'object' && address ? address.port : 0}`;

    const first = await fetch(`${base}/`);
    expect(await first.text()).toContain('Hello stranger, visit 1');
    const cookie = sessionCookieFrom(first.headers) as string;
    expect(cookie).toMatch(/^__Host-sid=/);
    const second = await fetch(`${base}/`, { headers: { cookie } });
    const page = await second.text();
    expect(page).toContain('visit 2');
    const token = /name="_csrf" value="([^"]+)"/.exec(page)?.[1] as string;

    const forged = await fetch(`${base}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site' },
      body: `_csrf=${encodeURIComponent(token)}`,
    });
    expect(forged.status).toBe(403);

    const login = await fetch(`${base}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
      body: `_csrf=${encodeURIComponent(token)}`,
    });
    expect(login.status).toBe(303);
    const loggedIn = sessionCookieFrom(login.headers) as string;
    expect(loggedIn).not.toBe(cookie);
    const home = await (await fetch(`${base}/`, { headers: { cookie: loggedIn } })).text();
    expect(home).toContain('Hello alice, visit 3');
    expect(await (await fetch(`${base}/`, { headers: { cookie } })).text()).toContain('Hello stranger, visit 1');

    const token2 = /name="_csrf" value="([^"]+)"/.exec(home)?.[1] as string;
    const logout = await fetch(`${base}/logout`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        cookie: loggedIn,
        'content-type': 'application/x-www-form-urlencoded',
        'sec-fetch-site': 'same-origin',
      },
      body: `_csrf=${encodeURIComponent(token2)}`,
    });
    expect(logout.status).toBe(303);
    expect(logout.headers.get('clear-site-data')).toContain('"cookies"');
    expect(await (await fetch(`${base}/`, { headers: { cookie: loggedIn } })).text()).toContain('Hello stranger');
  });
});
