import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessions } from '../../src/core/manager.js';
import { cookieStore } from '../../src/stores/cookie/index.js';
import { memoryStore } from '../../src/stores/memory/index.js';
import {
  ScenarioBrowser,
  type ScenarioClient,
  type ScenarioData,
  type ScenarioDriver,
  scenarioRoutes,
} from '../../src/testing/index.js';
import { expressDriver } from '../adapters/drivers/express.js';
import { fastifyDriver } from '../adapters/drivers/fastify.js';
import { fetchDriver } from '../adapters/drivers/fetch.js';
import { honoNodeDriver } from '../adapters/drivers/hono.js';
import { koaDriver } from '../adapters/drivers/koa.js';
import { nodeDriver } from '../adapters/drivers/node.js';
import { SECRET_A, SECRET_B } from '../helpers/clock.js';
import { type Edit, indexSpellings, oneByteEdits } from './helpers/one-byte-edits.js';

const COOKIE = '__Host-sid';

/**
 * Every position is edited through Express in one-byte-edit.test.ts; here, per adapter, the
 * edits a lenient decoder or an unauthenticated header lets through (appends, unused-bit flips,
 * index and version spellings) plus changes and drops at both ends of the value and every part
 * boundary: what differs between adapters is how the value gets to the core, not the core.
 */
function adapterEdits(value: string, sealed: boolean): Edit[] {
  const boundaries = new Set<number>([0, 1, value.length - 2, value.length - 1]);
  for (let i = value.indexOf('.'); i >= 0; i = value.indexOf('.', i + 1))
    for (const d of [-1, 0, 1]) boundaries.add(i + d);
  const position = (label: string) => Number(label.split(' ')[1]);
  return [...oneByteEdits(value), ...(sealed ? indexSpellings(value) : [])].filter((edit) =>
    /^(change|drop) /.test(edit.label) ? boundaries.has(position(edit.label)) : true,
  );
}

const drivers: [string, ScenarioDriver][] = [
  ['Express 5', expressDriver(express)],
  ['Fastify', fastifyDriver],
  ['Koa', koaDriver],
  ['Hono (node server)', honoNodeDriver],
  ['node:http', nodeDriver],
  ['Fetch', fetchDriver],
];
const modes = [
  ['token mode', () => memoryStore(), false],
  ['cookie: mode', () => cookieStore({ revocation: memoryStore() }), true],
] as const;

// Checklist STO-03 / TOK-05 on every adapter: the value reaches the core exactly as sent, and
// every one-byte edit of it is an anonymous visitor, never alice and never a re-issued cookie.
describe.each(drivers)('one-byte-edit matrix through the %s adapter', (_name, driver) => {
  describe.each(modes)('%s', (_mode, store, sealed) => {
    let client: ScenarioClient;
    let value: string;

    beforeAll(async () => {
      const manager = createSessions<ScenarioData>({ secrets: [SECRET_A, SECRET_B], store: store() });
      client = await driver.start(manager, scenarioRoutes(manager));
      const browser = new ScenarioBrowser(client, COOKIE);
      expect((await browser.post('/login/alice')).status).toBe(200);
      value = browser.cookie as string;
    });
    afterAll(() => client?.close());

    it('refuses every edit: anonymous, no session cookie issued', async () => {
      const original = await new ScenarioBrowser(client, COOKIE, value).get('/read');
      expect(original.json().userId).toBe('alice');
      const accepted: string[] = [];
      for (const edit of adapterEdits(value, sealed)) {
        const res = await new ScenarioBrowser(client, COOKIE, edit.value).get('/read');
        const issued = res.sessionCookie !== undefined && res.sessionCookie.attributes.get('max-age') !== '0';
        if (res.status !== 200 || res.json().userId !== null || issued) accepted.push(edit.label);
      }
      expect(accepted).toEqual([]);
    }, 60_000);
  });
});
