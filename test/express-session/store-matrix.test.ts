import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import Database from 'better-sqlite3';
import { RedisStore as RedisStore11 } from 'connect-redis-latest';
import { RedisStore as RedisStore8 } from 'connect-redis8';
import expressSession from 'express-session';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import custosSession, { type ExpressSessionStore } from '../../src/adapters/express-session/index.js';
import { dropKeysUnder } from '../helpers/redis-keys.js';
import { browser } from './helpers/client.js';
import { passportApp } from './helpers/passport-app.js';
import { readmeApp, type SessionFactory } from './helpers/readme-app.js';

/**
 * The stores express-session apps run, each on its real backend: connect-redis 8 (node-redis and
 * ioredis) and 11 (node-redis) on Redis, express-mysql-session 3 on MariaDB, memorystore,
 * better-sqlite3-session-store. Every one runs the README flows on custos/express-session and
 * keeps a passport user signed in across the switch from express-session.
 */
type StoreFactory = (session: unknown) => new (...args: unknown[]) => ExpressSessionStore;
const require = createRequire(import.meta.url);
const memorystore = require('memorystore') as StoreFactory;
const betterSqliteStore = require('better-sqlite3-session-store') as StoreFactory;
const mysqlSession = require('express-mysql-session') as StoreFactory;

const ioredis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
const nodeRedis = createClient({ url: 'redis://127.0.0.1:6379' });
const prefix = `custos-es-matrix:${randomBytes(6).toString('hex')}:`;
const database = `custos_es_${randomBytes(5).toString('hex')}`;
const MARIADB = { host: '127.0.0.1', port: 3306, user: process.env.CUSTOS_TEST_MYSQL_USER ?? 'root' };
const toClose: Array<{ close?: () => unknown }> = [];
let n = 0;
const unique = () => `${prefix}${++n}:`;

beforeAll(async () => {
  await nodeRedis.connect();
  const admin = await mysql.createConnection(MARIADB);
  await admin.query(`CREATE DATABASE \`${database}\``);
  await admin.end();
});

afterAll(async () => {
  for (const store of toClose) await store.close?.();
  await dropKeysUnder(ioredis, prefix);
  await ioredis.quit();
  await nodeRedis.quit();
  const admin = await mysql.createConnection(MARIADB);
  await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
  await admin.end();
});

const backends: Array<{ label: string; make: (base: unknown) => Promise<ExpressSessionStore> }> = [
  {
    label: 'connect-redis 8 with node-redis',
    make: async () => new RedisStore8({ client: nodeRedis, prefix: unique() }) as never,
  },
  {
    label: 'connect-redis 8 with ioredis',
    make: async () => new RedisStore8({ client: ioredis, prefix: unique() }) as never,
  },
  {
    label: 'connect-redis 11 with node-redis',
    make: async () => new RedisStore11({ client: nodeRedis, prefix: unique() }) as never,
  },
  {
    label: 'express-mysql-session 3 on MariaDB',
    make: async (base) => {
      const MySQLStore = mysqlSession(base);
      const store = new MySQLStore({
        ...MARIADB,
        database,
        clearExpired: false,
        schema: { tableName: `sessions_${++n}` },
      }) as ExpressSessionStore & { onReady(): Promise<void>; close(): Promise<void> };
      toClose.push(store);
      await store.onReady();
      return store;
    },
  },
  {
    label: 'memorystore',
    make: async (base) => new (memorystore(base))({ checkPeriod: 86_400_000 }),
  },
  {
    label: 'better-sqlite3-session-store',
    make: async (base) => new (betterSqliteStore(base))({ client: new Database(':memory:') }),
  },
];

const custos = custosSession as unknown as SessionFactory;
const legacy = expressSession as unknown as SessionFactory;

describe.each(backends)('custos/express-session on $label', (backend) => {
  it('keeps a passport user signed in, cart included, across the switch; runs the README flows', async () => {
    const store = await backend.make(expressSession);
    const before = browser(passportApp(legacy, { store }));
    await before.post('/login', { username: 'bob', password: 'bob-password' });
    await before.post('/cart', {});
    expect((await before.get('/me')).body).toEqual({ user: 'bob' });
    const after = browser(passportApp(custos, { store }), before.jar);
    expect((await after.get('/me')).body).toEqual({ user: 'bob' });
    expect((await after.get('/cart')).body).toEqual(['book']);
    expect((await after.get('/me')).body).toEqual({ user: 'bob' });
    // And the README flows on a store built on custos/express-session itself.
    const app = readmeApp(custos, { store: await backend.make(custosSession) });
    const user = browser(app);
    expect((await user.get('/foo')).text).toBe('you viewed this page 1 times');
    expect((await user.get('/foo')).text).toBe('you viewed this page 2 times');
    await user.post('/login', { user: 'alice' });
    expect((await user.get('/')).text).toContain('hello, alice');
    const loggedIn = user.jar.clone();
    await user.get('/logout');
    expect((await browser(app, loggedIn).get('/')).text).toContain('<form');
  });
});
