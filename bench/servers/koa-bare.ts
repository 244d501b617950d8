import { serve } from './common.js';
import { koaServer } from './koa-app.js';

await serve(async () => ({ server: koaServer(() => [], null) }));
