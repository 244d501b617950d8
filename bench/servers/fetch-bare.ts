import { serve } from './common.js';
import { fetchServer } from './fetch-app.js';

await serve(async () => ({ server: fetchServer((handler) => (request) => handler(request, null), null) }));
