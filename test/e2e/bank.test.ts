import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RunningDemo, startDemo } from '../../demo/server.js';
import { secretsEnv } from '../demo/http-client.js';
import { freshContext, launchChromium, sessionCookie, shownBalance, signIn, whoAmI } from './browser.js';

// Every run writes the screenshots; into docs/ (the README's pictures) only when asked, so a
// test run leaves the work tree clean: `UPDATE_SCREENSHOTS=1 npx vitest run test/e2e/bank.test.ts`.
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS
  ? join(import.meta.dirname, '..', '..', 'docs', 'screenshots')
  : join(import.meta.dirname, '..', '..', 'test-results', 'screenshots');

// A real browser on a 2-core machine shared with other test files: generous, not a speed claim.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

let browser: Browser;
let demo: RunningDemo;

beforeAll(async () => {
  [browser, demo] = await Promise.all([
    launchChromium(),
    startDemo({ port: 0, attackerPort: false, env: secretsEnv() }),
  ]);
  mkdirSync(SCREENSHOTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await demo?.close();
});

describe('the bank in real Chromium', () => {
  it('log in, see the balance, transfer with the form, log out; back shows nothing; the old cookie is dead', async () => {
    const context = await freshContext(browser);
    const page = await context.newPage();
    await page.goto(demo.bankUrl);
    await page.screenshot({ path: join(SCREENSHOTS, 'home.png') });
    await page.goto(`${demo.bankUrl}/login`);
    await page.screenshot({ path: join(SCREENSHOTS, 'login.png') });

    await signIn(page, demo.bankUrl, 'alice', 'alice-correct-horse');
    expect(await page.textContent('#balance')).toBe('$5,000');
    await page.fill('#to', 'bob');
    await page.fill('#amount', '120');
    await Promise.all([page.waitForURL(/\/account\?ok=transfer$/), page.click('#transfer-form button')]);
    expect(await page.textContent('#balance')).toBe('$4,880');
    expect(await page.textContent('[role=status]')).toContain('Transfer sent');
    await page.screenshot({ path: join(SCREENSHOTS, 'account.png') });

    const cookie = await sessionCookie(context, demo.bankUrl);
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/' });
    // JavaScript cannot read it (HttpOnly).
    expect(await page.evaluate(() => document.cookie)).not.toContain('__Host-sid');

    await Promise.all([page.waitForURL(`${demo.bankUrl}/`), page.click('#logout')]);
    expect(await sessionCookie(context, demo.bankUrl)).toBeUndefined();
    await page.goBack();
    await page.waitForLoadState();
    // no-store: the browser asks the server again, which sends it to the sign-in page.
    expect(page.url()).toMatch(/\/login/);
    const body = (await page.textContent('body')) ?? '';
    expect(body).not.toContain('$4,880');
    expect(body).not.toContain('Recent transfers');

    // Replaying the old cookie value in a new context authenticates nothing.
    const replay = await freshContext(browser);
    await replay.addCookies([{ ...(cookie as NonNullable<typeof cookie>) }]);
    expect(await whoAmI(replay, demo.bankUrl)).toBeNull();
    expect((await replay.request.get(`${demo.bankUrl}/api/account`)).status()).toBe(401);
    await replay.close();
    await context.close();
  });

  it('a session cookie planted before login is useless after login (the id changes)', async () => {
    // The attacker gets a real (anonymous) session id from the bank ...
    const attacker = await freshContext(browser);
    const attackerPage = await attacker.newPage();
    await attackerPage.goto(`${demo.bankUrl}/login`);
    const planted = await attacker.request.get(`${demo.bankUrl}/api/session`);
    expect(planted.status()).toBe(200);
    await attacker.request.post(`${demo.bankUrl}/api/cart`, {
      headers: { 'x-csrf-token': ((await planted.json()) as { csrfToken: string }).csrfToken, origin: demo.bankUrl },
      data: { item: 'bait' },
    });
    const fixed = await sessionCookie(attacker, demo.bankUrl);
    expect(fixed).toBeDefined();

    // ... and plants it in the victim's browser.
    const victim = await freshContext(browser);
    await victim.addCookies([{ ...(fixed as NonNullable<typeof fixed>) }]);
    const page = await victim.newPage();
    await signIn(page, demo.bankUrl, 'bob', 'bob-battery-staple');
    const after = await sessionCookie(victim, demo.bankUrl);
    expect(after?.value).not.toBe(fixed?.value);
    expect(await whoAmI(victim, demo.bankUrl)).toBe('bob');
    // The planted id gives the attacker nothing.
    expect(await whoAmI(attacker, demo.bankUrl)).toBeNull();
    expect((await attacker.request.get(`${demo.bankUrl}/api/account`)).status()).toBe(401);
    await attacker.close();
    await victim.close();
  });

  it('"sign out other devices" in context A logs out context B on its next request', async () => {
    const a = await freshContext(browser);
    const b = await freshContext(browser);
    const pageA = await a.newPage();
    const pageB = await b.newPage();
    await signIn(pageB, demo.bankUrl, 'alice', 'alice-correct-horse');
    await signIn(pageA, demo.bankUrl, 'alice', 'alice-correct-horse');

    await pageA.goto(`${demo.bankUrl}/sessions`);
    expect(await pageA.locator('#sessions tr[data-handle]').count()).toBeGreaterThanOrEqual(2);
    await pageA.screenshot({ path: join(SCREENSHOTS, 'sessions.png') });
    for (const name of ['home', 'login', 'account', 'sessions']) {
      expect(statSync(join(SCREENSHOTS, `${name}.png`)).size).toBeGreaterThan(5_000);
    }
    await Promise.all([pageA.waitForURL(/\/sessions\?ok=others$/), pageA.click('#revoke-others')]);
    expect(await pageA.locator('#sessions tr[data-handle]').count()).toBe(1);

    await pageB.reload();
    expect(pageB.url()).toMatch(/\/login/);
    expect(await whoAmI(b, demo.bankUrl)).toBeNull();
    expect(await whoAmI(a, demo.bankUrl)).toBe('alice');
    expect(await shownBalance(pageA, demo.bankUrl)).toBeGreaterThan(0);
    await a.close();
    await b.close();
  });
});
