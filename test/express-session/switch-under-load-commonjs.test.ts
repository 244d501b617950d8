import { backends, switchUnderLoad } from './helpers/switch-under-load.js';

// `require('express-session')` → `require('custos/express-session')`: through the `require`
// condition and the CommonJS wrapper over the ESM build, on each store.
switchUnderLoad([
  { app: 'CommonJS', ext: 'cjs', backend: backends.redis },
  { app: 'CommonJS', ext: 'cjs', backend: backends.postgres },
]);
