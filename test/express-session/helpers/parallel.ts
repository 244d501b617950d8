import type { Express } from 'express';
import { browser } from './client.js';

/**
 * Starts a session, fires `n` parallel requests that each set a different property of it, then
 * returns how many of those properties the session kept.
 */
export async function keptAfterParallelWrites(app: Express, n = 100): Promise<number> {
  const user = browser(app);
  await user.get('/foo');
  const cookie = user.jar.header();
  if (!cookie) throw new Error('no session cookie');
  // Every request carries the same cookie; none of them may rotate it.
  await Promise.all(Array.from({ length: n }, (_, i) => browser(app, user.jar.clone()).get(`/set/k${i}`)));
  const keys = (await user.get('/keys')).body as string[];
  return keys.filter((k) => /^k\d+$/.test(k)).length;
}
