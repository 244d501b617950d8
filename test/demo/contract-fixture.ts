import { afterAll, beforeAll, expect } from 'vitest';
import { type RunningDemo, startDemo } from '../../demo/server.js';
import { secretsEnv, TestClient } from './http-client.js';

/**
 * Shared by the test/demo/contract-*.test.ts files: one demo (memory store, seeded users) per
 * file, the seeded users' credentials, and clients for it.
 */
export const ALICE = ['alice', 'alice-correct-horse'] as const;
export const BOB = ['bob', 'bob-battery-staple'] as const;
export const ADMIN = ['admin', 'admin-tr0ub4dor'] as const;

let demo: RunningDemo;
export const client = () => new TestClient(demo.bankUrl);
export async function signedIn(user: readonly [string, string]): Promise<TestClient> {
  const c = client();
  const response = await c.login(user[0], user[1]);
  expect(response.status).toBe(303);
  return c;
}

beforeAll(async () => {
  demo = await startDemo({ port: 0, attackerPort: false, env: secretsEnv() });
});
afterAll(async () => {
  await demo?.close();
});
