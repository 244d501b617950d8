import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RunningDemo, startDemo } from '../../demo/server.js';
import { secretsEnv } from '../demo/http-client.js';
import { freshContext, launchChromium, sessionCookie, signIn, whoAmI } from './browser.js';

// A real browser on a 2-core machine shared with other test files: generous, not a speed claim.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

let browser: Browser;
const running: RunningDemo[] = [];
const dir = mkdtempSync(join(tmpdir(), 'custos-e2e-tls-'));

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await Promise.all(running.map((d) => d.close()));
  rmSync(dir, { recursive: true, force: true });
});

describe('idle timeout in the browser', () => {
  it('with CUSTOS_IDLE_TIMEOUT=3s an idle page is logged out by the server', async () => {
    const demo = await startDemo({ port: 0, attackerPort: false, env: { ...secretsEnv(), CUSTOS_IDLE_TIMEOUT: '3s' } });
    running.push(demo);
    const context = await freshContext(browser);
    const page = await context.newPage();
    await signIn(page, demo.bankUrl, 'alice', 'alice-correct-horse');
    expect(await page.textContent('#idle strong')).toMatch(/^0:0[123]$/);
    const cookie = await sessionCookie(context, demo.bankUrl);
    expect(cookie).toBeDefined();

    // Nothing happens for more than 3 s; the countdown then reloads and the server answers
    // with the sign-in page, because it no longer honours the session.
    await page.waitForURL(/\/login/, { timeout: 15_000 });
    expect(await page.textContent('body')).not.toContain('Balance');
    expect(await whoAmI(context, demo.bankUrl)).toBeNull();
    // The old cookie value is dead on the server, not merely forgotten by this browser.
    const replay = await freshContext(browser);
    await replay.addCookies([{ ...(cookie as NonNullable<typeof cookie>) }]);
    expect((await replay.request.get(`${demo.bankUrl}/api/account`)).status()).toBe(401);
    await replay.close();
    await context.close();
  });
});

describe('HTTPS mode', () => {
  it('serves HTTPS with HSTS; plain HTTP redirects there; login works with a Secure cookie', async () => {
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync(
      'openssl',
      // biome-ignore format: one openssl option per pair
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1',
       '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost'],
      { stdio: 'ignore' },
    );
    const demo = await startDemo({
      port: 0,
      attackerPort: false,
      env: { ...secretsEnv(), TLS_CERT: cert, TLS_KEY: key, HTTP_PORT: '0' },
    });
    running.push(demo);
    expect(demo.bankUrl).toMatch(/^https:\/\/localhost:\d+$/);
    expect(demo.redirectUrl).toMatch(/^http:\/\/localhost:\d+$/);

    const context = await freshContext(browser, { ignoreHTTPSErrors: true });
    const page = await context.newPage();
    const response = await page.goto(`${demo.redirectUrl}/login?from=http`);
    expect(page.url()).toBe(`${demo.bankUrl}/login?from=http`);
    const hop = response?.request().redirectedFrom();
    expect((await hop?.response())?.status()).toBe(308);
    expect(response?.headers()['strict-transport-security']).toMatch(/max-age=31536000/);

    await signIn(page, demo.bankUrl, 'bob', 'bob-battery-staple');
    const cookie = await sessionCookie(context, demo.bankUrl);
    expect(cookie).toMatchObject({ secure: true, httpOnly: true });
    expect(await whoAmI(context, demo.bankUrl)).toBe('bob');

    // A plain-HTTP POST is refused, not redirected (its body would already have leaked).
    const post = await fetch(`${demo.redirectUrl}/transfer`, { method: 'POST', redirect: 'manual' });
    expect(post.status).toBe(403);
    expect(post.headers.get('strict-transport-security')).toBeNull();
    await context.close();
  });
});
