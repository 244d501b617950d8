import { sessions } from '../../src/adapters/fetch.js';
import type { Session } from '../../src/core/session.js';
import { serve } from './common.js';
import { benchManager } from './custos-manager.js';
import { fetchServer } from './fetch-app.js';
import { custosOps } from './session-ops.js';

/** custos/fetch's `sessions(manager, handler)` around the plain Fetch handler. */
await serve(async () => {
  const manager = benchManager();
  return {
    server: fetchServer<Session<{ n: number }>>(
      (handler) => sessions(manager, (request, session) => handler(request, session as never)),
      custosOps((session: Session<{ n: number }>) => session),
    ),
  };
});
