import { createSessions, type SessionEvent } from '../../src/index.js';
import { memoryStore } from '../../src/stores/memory/index.js';
import { manualClock, SECRET_A } from '../helpers/clock.js';
import { countingStore } from '../helpers/stores.js';

/**
 * Shared by the test/unit/session-lifecycle-*.test.ts files: a manager on a manual clock over a
 * counting memory store, with a 30-minute idle and 12-hour absolute timeout, its events collected.
 */
export type Data = { n: number; cart: string[]; theme: string; [key: string]: unknown };

export function setup(extra: Parameters<typeof createSessions>[0] extends infer O ? Partial<O> : never = {}) {
  const clock = manualClock();
  const counted = countingStore(memoryStore());
  const events: SessionEvent[] = [];
  const manager = createSessions<Data>({
    secrets: [SECRET_A],
    store: counted.store,
    clock,
    idleTimeout: '30m',
    absoluteTimeout: '12h',
    onEvent: (e) => events.push(e),
    ...extra,
  });
  return { clock, counted, events, manager };
}
