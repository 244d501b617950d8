import { describe, expect, it } from 'vitest';
import { ALICE, BOB, signedIn } from './contract-fixture.js';

describe('money', () => {
  it('shows the balance and moves money only with a same-origin POST carrying the token', async () => {
    const alice = await signedIn(ALICE);
    const page = await alice.request('/account');
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-store');
    const html = await page.text();
    expect(html).toContain('id="balance"');
    expect(html).toContain('action="/transfer"');
    const start = await alice.balance();

    const moved = await alice.post('/transfer', { to: 'bob', amount: '25' });
    expect(moved.status).toBe(303);
    expect(moved.headers.get('location')).toMatch(/^\/account/);
    expect(await alice.balance()).toBe(start - 25);

    // The seed article's attack: a GET never moves money.
    const get = await alice.request('/transfer?amount=1500&to=attacker');
    expect(get.status).toBe(405);
    // No token, a wrong token, a foreign origin: all refused.
    expect((await alice.request('/transfer', { form: { to: 'attacker', amount: '10' } })).status).toBe(403);
    expect(
      (await alice.request('/transfer', { form: { to: 'attacker', amount: '10', _csrf: 'x'.repeat(86) } })).status,
    ).toBe(403);
    const token = await alice.formToken('/account');
    const foreign = await alice.request('/transfer', {
      form: { to: 'attacker', amount: '10', _csrf: token },
      headers: { origin: 'http://localhost:1' },
    });
    expect(foreign.status).toBe(403);
    expect(await alice.balance()).toBe(start - 25);

    const account = (await (await alice.request('/api/account')).json()) as Record<string, unknown>;
    expect(Object.keys(account).sort()).toEqual(['balance', 'transfers', 'user']);
    expect(account.user).toBe('alice');
    expect(account.transfers).toEqual([expect.objectContaining({ from: 'alice', to: 'bob', amount: 25 })]);
  });

  it('refuses an overdraft, a negative amount and an unknown recipient', async () => {
    const bob = await signedIn(BOB);
    const start = await bob.balance();
    for (const form of [
      { to: 'alice', amount: String(start + 1) },
      { to: 'alice', amount: '-5' },
      { to: 'nobody', amount: '5' },
    ]) {
      expect((await bob.post('/transfer', form)).status).toBe(400);
    }
    expect(await bob.balance()).toBe(start);
  });
});
