import { randomBytes } from 'node:crypto';
import { Cluster } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { redisStore } from '../../src/stores/redis/index.js';
import { makeRecord, makeSealedValue, makeUserId } from '../../src/testing/records.js';
import { runStoreConformance } from '../../src/testing/store-conformance.js';
import { type PrivateCluster, startRedisCluster } from '../helpers/redis-cluster.js';
import { dropKeysUnder, recordCommands } from '../helpers/redis-keys.js';

let cluster: PrivateCluster;
let client: Cluster;
let namespaces = 0;
const runPrefix = `custos-test:${randomBytes(6).toString('hex')}:`;

beforeAll(async () => {
  cluster = await startRedisCluster();
  client = new Cluster(cluster.nodes, { redisOptions: { maxRetriesPerRequest: 1 } });
  await new Promise<void>((resolve, reject) => {
    client.once('ready', () => resolve());
    client.once('error', reject);
  });
});

afterAll(async () => {
  await client?.quit();
  await cluster?.stop();
});

/** Deletes every key under a prefix on every master (keys of one DEL must share a slot). */
const dropKeys = (prefix: string) => dropKeysUnder(client, prefix);

function uniquePrefix(): string {
  return `${runPrefix}${++namespaces}:`;
}

runStoreConformance(
  'redis cluster',
  async () => {
    const prefix = uniquePrefix();
    return { store: redisStore({ client, prefix }), cleanup: () => dropKeys(prefix) };
  },
  { describe, it, beforeEach, afterEach },
);

describe('redis cluster specifics', () => {
  let prefix: string;
  beforeEach(() => {
    prefix = uniquePrefix();
  });
  afterEach(async () => {
    await dropKeys(prefix);
  });

  it('spreads sessions over every master while each session stays in one slot', async () => {
    const store = redisStore({ client, prefix });
    const records = Array.from({ length: 30 }, () => makeRecord());
    for (const record of records) await store.create(record);
    const perNode = await Promise.all(
      client.nodes('master').map(async (node) => (await node.keys(`${prefix}s:*`)).length),
    );
    expect(perNode.length).toBe(3);
    for (const count of perNode) expect(count).toBeGreaterThan(0);
    expect(perNode.reduce((a, b) => a + b, 0)).toBe(30);
    const exported = [];
    for await (const record of store.exportRecords()) exported.push(record.id);
    expect(exported.sort()).toEqual(records.map((r) => r.id).sort());
  });

  it('costs one round trip for get and patch (two commands to two nodes in parallel), two for create', async () => {
    const counted = new Cluster(cluster.nodes, { redisOptions: { maxRetriesPerRequest: 1 } });
    const sent = recordCommands(counted);
    try {
      const store = redisStore({ client: counted, prefix });
      const warm = makeRecord();
      await store.create(warm);
      await store.get(warm.id);
      await store.patch(warm.id, { set: { a: makeSealedValue() } });
      const measure = async (work: () => Promise<unknown>) => {
        sent.length = 0;
        await work();
        return [...sent].sort();
      };
      const record = makeRecord();
      expect(await measure(() => store.create(record))).toEqual(['evalsha', 'get', 'zadd']);
      expect(await measure(() => store.get(record.id))).toEqual(['evalsha', 'get']);
      expect(await measure(() => store.patch(record.id, { set: { b: makeSealedValue() } }))).toEqual([
        'evalsha',
        'get',
      ]);
      expect(await measure(() => store.revokeAll())).toEqual(['incr']);
    } finally {
      await counted.quit();
    }
  });

  it('revokeAll from one cluster client rejects the session on the next call of another', async () => {
    const other = new Cluster(cluster.nodes, { redisOptions: { maxRetriesPerRequest: 1 } });
    try {
      const a = redisStore({ client, prefix });
      const b = redisStore({ client: other, prefix });
      const userId = makeUserId();
      const record = makeRecord({ userId });
      await b.create(record);
      expect(await a.get(record.id)).toEqual(record);
      await a.revokeAll();
      expect(await b.get(record.id)).toBeNull();
      expect(await b.patch(record.id, { set: { x: makeSealedValue() } })).toBe('missing');
      expect(await b.listByUser(userId)).toEqual([]);
      const fresh = makeRecord({ userId });
      expect(await b.create(fresh)).toBe(true);
      expect(await a.get(fresh.id)).toEqual(fresh);
    } finally {
      await other.quit();
    }
  });
});
