import { createSessions } from '../../src/core/manager.js';
import type { SessionStore } from '../../src/stores/contract.js';
import { memoryStore } from '../../src/stores/memory/index.js';
import { BENCH_SECRET } from './common.js';

/** custos with its defaults (aal2 timeouts, `__Host-sid` cookie honoured over loopback). */
export function benchManager(store: SessionStore = memoryStore({ maxSessions: 2_000_000 })) {
  return createSessions({ secrets: [BENCH_SECRET], store });
}
