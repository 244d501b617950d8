import type request from 'supertest';
import type { Response } from 'supertest';

/** Sends a request and measures how long the answer took (the request itself carries a hard timeout). */
export async function timed(test: request.Test): Promise<{ res: Response; ms: number }> {
  const started = performance.now();
  const res = await test;
  return { res, ms: performance.now() - started };
}

/** Polls until `check` holds, at most `timeoutMs`; the last error is rethrown when it never does. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error('condition never became true');
    await new Promise((r) => setTimeout(r, 100));
  }
}
