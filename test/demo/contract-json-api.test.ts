import { describe, expect, it } from 'vitest';
import { ALICE, client, signedIn } from './contract-fixture.js';

describe('JSON API', () => {
  it('GET /api/session has exactly the contract fields, anonymous and signed in', async () => {
    const fields = [
      'absoluteExpiresAt',
      'authenticated',
      'authenticatedAt',
      'createdAt',
      'csrfToken',
      'handle',
      'idleExpiresAt',
      'lastSeenAt',
      'user',
    ];
    const anonymous = (await (await client().request('/api/session')).json()) as Record<string, unknown>;
    expect(Object.keys(anonymous).sort()).toEqual(fields);
    expect(anonymous).toMatchObject({ authenticated: false, user: null });
    expect(typeof anonymous.csrfToken).toBe('string');
    const alice = await signedIn(ALICE);
    const body = (await (await alice.request('/api/session')).json()) as Record<string, number | string | boolean>;
    expect(Object.keys(body).sort()).toEqual(fields);
    expect(body).toMatchObject({ authenticated: true, user: 'alice' });
    expect(body.idleExpiresAt).toBe((body.lastSeenAt as number) + 30 * 60_000);
    expect(body.absoluteExpiresAt).toBe((body.authenticatedAt as number) + 12 * 3_600_000);
    expect(JSON.stringify(body)).not.toContain(alice.sid as string);
  });

  it('100 parallel POST /api/cart adds keep all 100 items', async () => {
    const alice = await signedIn(ALICE);
    const token = await alice.apiToken();
    const items = Array.from({ length: 100 }, (_, i) => `item-${i}`);
    const responses = await Promise.all(
      items.map((item) => alice.request('/api/cart', { json: { item }, headers: { 'x-csrf-token': token } })),
    );
    expect(responses.map((r) => r.status)).toEqual(items.map(() => 200));
    const cart = (await (await alice.request('/api/cart')).json()) as { items: string[] };
    expect(cart.items).toHaveLength(100);
    expect([...cart.items].sort()).toEqual([...items].sort());
  });

  it('POST /api/cart needs the x-csrf-token header', async () => {
    const alice = await signedIn(ALICE);
    expect((await alice.request('/api/cart', { json: { item: 'x' } })).status).toBe(403);
    expect(await (await alice.request('/api/cart')).json()).toEqual({ items: [] });
  });

  it('GET /healthz → 200 while the store answers', async () => {
    const response = await client().request('/healthz');
    expect(response.status).toBe(200);
  });
});
