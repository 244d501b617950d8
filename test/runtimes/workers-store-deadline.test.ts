import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { StoreCaller as StoreCallerType } from '../../src/core/store-call.js';

/**
 * The per-call deadline StoreCaller uses on Workers (workerd.test.ts proves it there over HTTP),
 * checked in Node too so coverage and a quick run see it: the module reads `navigator.userAgent`
 * once, at load, so it is loaded afresh under a Workers user agent.
 */
describe('store deadlines under a Workers user agent (each call its own timer)', () => {
  let StoreCaller: typeof StoreCallerType;
  beforeAll(async () => {
    vi.stubGlobal('navigator', { userAgent: 'Cloudflare-Workers' });
    vi.resetModules();
    ({ StoreCaller } = await import('../../src/core/store-call.js'));
  });
  afterAll(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  it('fails a call that never settles with STORE_UNAVAILABLE and a store-error event', async () => {
    const events: unknown[] = [];
    const caller = new StoreCaller(
      20,
      (event) => events.push(event),
      () => 1,
    );
    await expect(caller.call('get', () => new Promise(() => {}))).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(events).toEqual([{ type: 'store-error', at: 1, reason: 'get' }]);
  });

  it('gives every call its own deadline: two hung calls in a row both fail', async () => {
    const caller = new StoreCaller(20, undefined, Date.now);
    for (const operation of ['get', 'patch']) {
      await expect(caller.call(operation, () => new Promise(() => {}))).rejects.toMatchObject({
        code: 'STORE_UNAVAILABLE',
      });
    }
  });

  it('arms a timer per call even when calls overlap (a shared one would be armed once)', async () => {
    const caller = new StoreCaller(1_000, undefined, Date.now);
    const armed = vi.spyOn(globalThis, 'setTimeout');
    try {
      await Promise.all([caller.call('get', async () => 1), caller.call('get', async () => 2)]);
      expect(armed).toHaveBeenCalledTimes(2);
    } finally {
      armed.mockRestore();
    }
  });

  it('passes answers through and turns a store error into STORE_UNAVAILABLE', async () => {
    const caller = new StoreCaller(1_000, undefined, Date.now);
    await expect(caller.call('get', async () => 'record')).resolves.toBe('record');
    await expect(
      caller.call('get', async () => {
        throw new Error('connection reset');
      }),
    ).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });
});
