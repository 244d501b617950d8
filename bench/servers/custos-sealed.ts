import type { SessionStore } from '../../src/stores/contract.js';
import { optionalModule, serve } from './common.js';
import { benchManager } from './custos-manager.js';
import { custosNodeServer } from './node-app.js';

await serve(async () => {
  const { cookieStore } = await optionalModule<{ cookieStore(o?: object): SessionStore }>('src/stores/cookie/index');
  // No revocation store: the same guarantees as iron-session (the cookie alone is the session).
  return { server: custosNodeServer(benchManager(cookieStore()) as never) };
});
