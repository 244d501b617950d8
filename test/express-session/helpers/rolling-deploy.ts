import { createServer, type Server } from 'node:http';
import type { Express } from 'express';
import expressSession from 'express-session';
import request from 'supertest';
import { afterAll, beforeAll } from 'vitest';
import custosSession, { type ExpressSessionStore } from '../../../src/adapters/express-session/index.js';
import type { SessionEvent } from '../../../src/vocabulary/events.js';
import { manualClock } from '../../helpers/clock.js';
import { Jar } from './jar.js';
import { legacyStores } from './legacy-stores.js';
import { passportApp } from './passport-app.js';
import type { SessionFactory } from './readme-app.js';

/**
 * Shared by the test/express-session/rolling-deploy-*.test.ts files: the instances of a deploy
 * (real express-session, custos in rollingDeploy mode, custos without it) as HTTP servers on one
 * store, and browsers whose requests go to whichever instance.
 */
export const legacy = expressSession as unknown as SessionFactory;
export const custos = custosSession as unknown as SessionFactory;
const servers: Server[] = [];

async function closeServers(): Promise<void> {
  await Promise.all(servers.splice(0).map((s) => new Promise((done) => s.close(done))));
}
afterAll(closeServers);

/**
 * The three store backends, each store named for one test: `pgNames` lists the names the file's
 * tests use, so that PostgreSQL gives each its own schema.
 */
export function rollingDeployBackends(pgNames: readonly string[]) {
  const { backends, setup, teardown } = legacyStores('rolling', pgNames);
  beforeAll(setup);
  afterAll(async () => {
    await closeServers();
    await teardown();
  });
  return backends;
}

/** A real HTTP server on a loopback port for one app (one "instance" of the deploy). */
export async function instance(app: Express): Promise<Server> {
  const server = createServer(app);
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  servers.push(server);
  return server;
}

/** One browser (one cookie jar) whose requests a load balancer sends to whichever instance. */
export interface Browser {
  readonly jar: Jar;
  get(at: Server, path: string): Promise<request.Response>;
  post(at: Server, path: string, form?: Record<string, string>): Promise<request.Response>;
}

export function browserOf(jar = new Jar()): Browser {
  const done = (res: request.Response) => {
    jar.take(res.headers);
    return res;
  };
  return {
    jar,
    get: async (at: Server, path: string) => done(await request(at).get(path).set('cookie', jar.header())),
    post: async (at: Server, path: string, form: Record<string, string> = {}) =>
      done(await request(at).post(path).set('cookie', jar.header()).type('form').send(form)),
  };
}

/** The three kinds of instance a deploy goes through, all on one store. */
export async function fleet(store: ExpressSessionStore, custosOptions: Record<string, unknown> = {}) {
  return {
    old: await instance(passportApp(legacy, { store })),
    rolling: await instance(passportApp(custos, { store, custos: { rollingDeploy: true, ...custosOptions } })),
    custosOnly: await instance(passportApp(custos, { store, custos: custosOptions })),
  };
}

/** A fleet on a fresh express-session MemoryStore, on a manual clock, with custos' events collected. */
export async function clockedFleet() {
  const store = new expressSession.MemoryStore() as unknown as ExpressSessionStore;
  const clock = manualClock(Date.now());
  const events: SessionEvent[] = [];
  return { store, clock, events, ...(await fleet(store, { clock, onEvent: (e: SessionEvent) => events.push(e) })) };
}
