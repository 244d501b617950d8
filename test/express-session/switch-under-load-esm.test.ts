import { backends, switchUnderLoad } from './helpers/switch-under-load.js';

// `import session from 'express-session'` → `'custos/express-session'`: through the `import` condition.
switchUnderLoad([{ app: 'ES module', ext: 'mjs', backend: backends.redis }]);
