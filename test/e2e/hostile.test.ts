import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RunningDemo, startDemo } from '../../demo/server.js';
import { secretsEnv } from '../demo/http-client.js';
import { freshContext, launchChromium, signIn, whoAmI } from './browser.js';

// A real browser on a 2-core machine shared with other test files: generous, not a speed claim.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

let browser: Browser;
let demo: RunningDemo;

beforeAll(async () => {
  [browser, demo] = await Promise.all([launchChromium(), startDemo({ port: 0, attackerPort: 0, env: secretsEnv() })]);
});
afterAll(async () => {
  await browser?.close();
  await demo?.close();
});

async function apiBalance(context: BrowserContext): Promise<number> {
  const response = await context.request.get(`${demo.bankUrl}/api/account`);
  expect(response.status()).toBe(200);
  return ((await response.json()) as { balance: number }).balance;
}

/** Visits one hostile page and waits until its attack has run (and any navigation it caused). */
async function runAttack(page: Page, attackerOrigin: string, path: string): Promise<number | null> {
  const url = `${attackerOrigin}${path}`;
  if (path === '/form' || path === '/login-csrf') {
    const target = path === '/form' ? '/transfer' : '/login';
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url() === `${demo.bankUrl}${target}` && r.request().method() === 'POST'),
      page.goto(url),
    ]);
    await page.waitForLoadState('load');
    return response.status();
  }
  await page.goto(url);
  await page.waitForFunction(() => document.title === 'done', undefined, { timeout: 10_000 });
  return null;
}

/**
 * The hostile site is served once, on 127.0.0.1; reached as `http://127.0.0.1:P` it is another
 * site (SameSite applies), reached as `http://localhost:P` it is the same site as the bank on
 * `http://localhost:Q` but another origin (only the Origin/Fetch-Metadata/token layers apply).
 */
const origins = () => {
  const attacker = new URL(demo.attackerUrl as string);
  return {
    'cross-site (127.0.0.1)': `http://127.0.0.1:${attacker.port}`,
    'same-site, cross-origin (localhost, other port)': `http://localhost:${attacker.port}`,
  };
};

describe.each(['cross-site (127.0.0.1)', 'same-site, cross-origin (localhost, other port)'] as const)(
  'hostile pages from a %s origin',
  (label) => {
    it.each(['/img', '/form', '/fetch', '/login-csrf'])('%s moves no money and changes no login', async (path) => {
      const context = await freshContext(browser);
      const page = await context.newPage();
      await signIn(page, demo.bankUrl, 'alice', 'alice-correct-horse');
      const before = await apiBalance(context);
      const attackerBefore = demo.bank.ledger.balance('attacker');
      const transfersBefore = demo.bank.ledger.history('alice').length;

      const status = await runAttack(page, origins()[label], path);
      if (status !== null) expect(status).toBe(403);

      expect(await apiBalance(context)).toBe(before);
      expect(demo.bank.ledger.balance('attacker')).toBe(attackerBefore);
      expect(demo.bank.ledger.history('alice')).toHaveLength(transfersBefore);
      expect(await whoAmI(context, demo.bankUrl)).toBe('alice');
      // And the page the victim sees still says alice.
      await page.goto(`${demo.bankUrl}/account`);
      expect(await page.textContent('h1')).toBe('Hello, alice');
      await context.close();
    });
  },
);

describe('the attacks are real', () => {
  it('the same transfer form, submitted from the bank itself, does move money', async () => {
    const context = await freshContext(browser);
    const page = await context.newPage();
    await signIn(page, demo.bankUrl, 'alice', 'alice-correct-horse');
    const before = await apiBalance(context);
    await page.fill('#to', 'attacker');
    await page.fill('#amount', '1500');
    await Promise.all([page.waitForURL(/ok=transfer/), page.click('#transfer-form button')]);
    expect(await apiBalance(context)).toBe(before - 1500);
    await context.close();
  });
});
