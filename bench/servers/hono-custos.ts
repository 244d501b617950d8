import type { Context } from 'hono';
import { sessions } from '../../src/adapters/hono.js';
import { serve } from './common.js';
import { benchManager } from './custos-manager.js';
import { honoServer } from './hono-app.js';

type CustosSession = { get(k: string): unknown; set(k: string, v: unknown): void; login(u: string): Promise<void> };
const session = (c: Context) => c.get('session') as CustosSession;

await serve(async () => ({
  server: honoServer([sessions(benchManager()) as never], {
    read: (c) => session(c).get('n'),
    write: (c, value) => session(c).set('n', value),
    login: (c) => session(c).login('user-42'),
  }),
}));
