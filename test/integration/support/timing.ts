import type request from 'supertest';
import type { Response } from 'supertest';

/** Sends a request and measures how long the answer took (the request itself carries a hard timeout). */
export async function timed(test: request.Test): Promise<{ res: Response; ms: number }> {
  const started = performance.now();
  const res = await test;
  return { res, ms: performance.now() - started };
}
