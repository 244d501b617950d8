import { serve } from './common.js';
import { benchManager } from './custos-manager.js';
import { custosNodeServer } from './node-app.js';

await serve(async () => ({ server: custosNodeServer(benchManager() as never) }));
