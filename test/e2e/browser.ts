import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/**
 * Debian's Chromium, never a downloaded one. One browser per test file (the machine has two
 * cores); every test gets a fresh context, i.e. a fresh cookie jar.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export async function freshContext(browser: Browser, options: { ignoreHTTPSErrors?: boolean } = {}) {
  return browser.newContext({ viewport: { width: 1000, height: 720 }, ...options });
}

/** Signs in through the real form and waits for the account page. */
export async function signIn(page: Page, bankUrl: string, user: string, password: string): Promise<void> {
  await page.goto(`${bankUrl}/login`);
  await page.fill('#username', user);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL(`${bankUrl}/account`), page.click('#login-form button[type=submit]')]);
}

/** The balance as the account page shows it, e.g. 5000. */
export async function shownBalance(page: Page, bankUrl: string): Promise<number> {
  await page.goto(`${bankUrl}/account`);
  const text = await page.textContent('#balance');
  return Number((text ?? '').replace(/[^0-9]/g, ''));
}

/** Who the server thinks this context is, asked with the context's own cookies. */
export async function whoAmI(context: BrowserContext, bankUrl: string): Promise<string | null> {
  const response = await context.request.get(`${bankUrl}/api/session`);
  return ((await response.json()) as { user: string | null }).user;
}

export async function sessionCookie(context: BrowserContext, bankUrl: string) {
  return (await context.cookies(bankUrl)).find((c) => c.name === '__Host-sid');
}
