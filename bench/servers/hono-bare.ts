import { serve } from './common.js';
import { honoServer } from './hono-app.js';

await serve(async () => ({ server: honoServer([], null) }));
