import { makeRecord } from '../records.js';
import type { StoreBehaviourContext } from './context.js';

/** Store conformance: close resolves. */
export function closeBehaviours({ t, store, markClosed }: StoreBehaviourContext): void {
  t.it('close resolves', async () => {
    await store().create(makeRecord());
    markClosed();
    await store().close();
  });
}
