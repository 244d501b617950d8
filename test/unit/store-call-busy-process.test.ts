import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { StoreCaller } from '../../src/core/store-call.js';
import { isCustosError } from '../../src/errors.js';

/**
 * The real Redis on the machine, spoken to over a raw socket: a store in another process that
 * answers while this one is busy (an in-process stand-in would be as busy as the caller).
 */
async function client(): Promise<{ ask: () => Promise<string>; close: () => void }> {
  const socket = net.connect(6379, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return {
    ask: () =>
      new Promise<string>((resolve) => {
        socket.once('data', (data) => resolve(data.toString().trim()));
        socket.write('PING\r\n');
      }),
    close: () => socket.destroy(),
  };
}

/** Keeps this process busy (no I/O is read meanwhile), as a CPU-saturated server is. */
function busyFor(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spin
  }
}

describe('store deadline while the process itself is busy', () => {
  it('a store that answered within the deadline is not failed because this process read the answer late', async () => {
    const store = await client();
    const caller = new StoreCaller(100, undefined, Date.now);
    try {
      const outcome = caller.call('get', store.ask).then(
        (value) => value,
        (error: unknown) => error,
      );
      // Redis answers within a millisecond; the process looks only after 300 ms, when the
      // deadline timer is due as well and runs before the socket is read.
      busyFor(300);
      expect(await outcome).toBe('+PONG');
    } finally {
      store.close();
    }
  });

  it('a store that has still not answered fails with STORE_UNAVAILABLE, busy process or not', async () => {
    const caller = new StoreCaller(100, undefined, Date.now);
    const never = caller.call('get', () => new Promise<never>(() => {})).catch((error: unknown) => error);
    busyFor(300);
    expect(isCustosError(await never, 'STORE_UNAVAILABLE')).toBe(true);
    const later = await caller.call('get', () => new Promise<never>(() => {})).catch((error: unknown) => error);
    expect(isCustosError(later, 'STORE_UNAVAILABLE')).toBe(true);
  });
});
