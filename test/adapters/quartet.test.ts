import { describe, expect, it } from 'vitest';
import type * as express from '../../src/adapters/express.js';
import type * as fastify from '../../src/adapters/fastify.js';
import type * as fetch from '../../src/adapters/fetch.js';
import type * as hono from '../../src/adapters/hono.js';
import type * as koa from '../../src/adapters/koa.js';
import type * as node from '../../src/adapters/node.js';

/**
 * Every framework subpath exports the same four functions and one `AdapterOptions` type, so
 * moving an app from one framework to another renames nothing (issue: adapters that drift).
 */
const SUBPATHS = {
  'custos/express': () => import('../../src/adapters/express.js'),
  'custos/fastify': () => import('../../src/adapters/fastify.js'),
  'custos/koa': () => import('../../src/adapters/koa.js'),
  'custos/hono': () => import('../../src/adapters/hono.js'),
  'custos/node': () => import('../../src/adapters/node.js'),
  'custos/fetch': () => import('../../src/adapters/fetch.js'),
};

describe.each(Object.entries(SUBPATHS))('%s', (_subpath, load) => {
  it('exports the quartet: sessions, csrf, enforceHttps, jsonOnly', async () => {
    const entry = (await load()) as Record<string, unknown>;
    for (const name of ['sessions', 'csrf', 'enforceHttps', 'jsonOnly']) {
      expect(typeof entry[name], name).toBe('function');
    }
  });
});

describe('custos/node and custos/fetch', () => {
  it('keep withSessions and withCsrf as the same functions as sessions and csrf', async () => {
    for (const load of [SUBPATHS['custos/node'], SUBPATHS['custos/fetch']]) {
      const entry = await load();
      expect(entry.withSessions).toBe(entry.sessions);
      expect(entry.withCsrf).toBe(entry.csrf);
    }
  });
});

// Compile-time half: each subpath names `AdapterOptions`, and its `remoteAddress` is a function
// of that framework's request (tsc fails here when one drifts; Fetch also takes its old string).
type RemoteOf<O> = O extends { remoteAddress?: infer R } ? NonNullable<R> : never;
type Takes<O, Req> =
  Extract<RemoteOf<O>, (...args: never[]) => unknown> extends (request: Req) => string | undefined ? true : false;
const shapes: [
  Takes<express.AdapterOptions, import('express').Request>,
  Takes<fastify.AdapterOptions, import('fastify').FastifyRequest>,
  Takes<koa.AdapterOptions, import('koa').Context>,
  Takes<hono.AdapterOptions, import('hono').Context>,
  Takes<node.AdapterOptions, import('node:http').IncomingMessage>,
  Takes<fetch.AdapterOptions, Request>,
] = [true, true, true, true, true, true];

it('each AdapterOptions takes remoteAddress as a function of its framework request', () => {
  expect(shapes.every(Boolean)).toBe(true);
});
