import { CustosError } from '../../errors.js';
import type { PatchResult, SessionPatch, SessionStore, StoredSession, UserPage } from '../contract.js';
import { isStoredSession } from '../contract.js';
import { parseCursor } from '../page-cursor.js';
import { asCommands, guarded, type RedisClient, runScript, scanKeys } from './client.js';
import { bulkEpoch, epochArg, type RedisContext, readEpoch, readRecord, scriptKeys, writeRecord } from './context.js';
import { DEFAULT_PREFIX, redisKeys } from './keys.js';
import { purgeExpired } from './purge.js';
import { dataField, decodeRecord } from './record.js';
import { DESTROY_FOR_USER_SCRIPT, PATCH_SCRIPT, READ_SCRIPT } from './scripts.js';
import { type IndexEntry, indexEntries, pruneIndex } from './user-index.js';
import { listByUserPage } from './user-page.js';

export type { RedisClient } from './client.js';

export interface RedisStoreOptions {
  /**
   * An ioredis `Redis` or `Cluster` you create and close. For fail-fast behaviour during an outage
   * (checklist STO-04) configure it so commands reject instead of queueing:
   *
   * ```ts
   * new Redis({ host, port, enableOfflineQueue: false, maxRetriesPerRequest: 1,
   *             connectTimeout: 2_000, commandTimeout: 1_500 });
   * new Cluster(nodes, { enableOfflineQueue: false,
   *                      redisOptions: { maxRetriesPerRequest: 1, connectTimeout: 2_000, commandTimeout: 1_500 } });
   * ```
   *
   * Do not set ioredis' `keyPrefix` (use `prefix`). Run Redis with `maxmemory-policy noeviction`
   * or a `volatile-*` policy: evicting the epoch key would log everybody out (it fails closed).
   */
  client: RedisClient;
  /** Namespace of every key; must not contain `{` or `}`. @default 'custos:' */
  prefix?: string;
  /**
   * How long a session key outlives its `expiresAt` before Redis deletes it by itself (ms). Keys
   * are never given a deadline in the past, so clock skew between app servers and Redis cannot
   * drop a session early; the core re-checks expiry on every read (checklist TMO-06).
   * @default 300_000
   */
  ttlGrace?: number;
}

/**
 * Sessions in Redis, standalone or Cluster: one hash per session, every data field sealed and
 * stored on its own, every operation one Lua script.
 *
 * Round trips per operation:
 *
 * | operation        | standalone                   | cluster                                              |
 * |------------------|------------------------------|------------------------------------------------------|
 * | `get`            | 1 (EVALSHA, reads the epoch) | 1 (EVALSHA ‖ GET epoch, two nodes in parallel)        |
 * | `patch`          | 1                            | 1 (EVALSHA ‖ GET epoch in parallel)                   |
 * | `create`         | 1 (record + user index)      | 2 (GET epoch ‖ ZADD index, then EVALSHA)              |
 * | `destroy`        | 1 (DEL)                      | 1                                                    |
 * | `revokeAll`      | 1 (INCR epoch, no scan)      | 1                                                    |
 *
 * On a cluster a session's hash, the user's index and the epoch live in different slots: the
 * epoch is read next to every script and compared (a revoked session is rejected on the very
 * next request), and the user index is written before the record, so it may hold ids of records
 * that never came to be — readers check every record and prune such entries once they expire.
 *
 * Every `get` and `patch` also reads the small epoch key, so on a cluster that one key is read by
 * every request (one node; add replicas with `scaleReads` if it ever becomes hot).
 *
 * `purgeExpired` on Redis: keys carry a TTL (`expiresAt` + `ttlGrace`) so Redis deletes them by
 * itself; `purgeExpired(now)` deletes earlier those with `expiresAt <= now` or revoked by the
 * epoch, then prunes per-user index entries of vanished sessions. It SCANs the prefix (every
 * master on a cluster), O(sessions) per call: a maintenance job, not a per-request hook.
 * `exportRecords` and `count` SCAN the same way (memory: one Set of seen keys).
 *
 * Needs Redis 6.2 or later (scripts read `TIME` before writing; `ZADD XX`), or Valkey.
 *
 * @example
 * import { Redis } from 'ioredis';
 * import { redisStore } from 'custos/stores/redis';
 * const store = redisStore({ client: new Redis({ enableOfflineQueue: false, maxRetriesPerRequest: 1 }) });
 */
export class RedisStore implements SessionStore {
  readonly kind = 'redis';
  readonly #ctx: RedisContext;

  constructor(options: RedisStoreOptions) {
    if (!options || typeof options.client !== 'object' || options.client === null) {
      throw new CustosError('INVALID_OPTION', 'redisStore: pass { client } with an ioredis Redis or Cluster');
    }
    const grace = options.ttlGrace ?? 300_000;
    if (!Number.isSafeInteger(grace) || grace < 0) {
      throw new CustosError('INVALID_OPTION', 'redisStore: ttlGrace must be a non-negative integer of milliseconds');
    }
    const client = asCommands(options.client);
    this.#ctx = {
      client,
      keys: redisKeys(options.prefix ?? DEFAULT_PREFIX),
      cluster: client.isCluster === true,
      grace: String(grace),
    };
  }

  async create(record: StoredSession): Promise<boolean> {
    return (await writeRecord(this.#ctx, record, 'create')) === 1;
  }

  async get(id: string): Promise<StoredSession | null> {
    const ctx = this.#ctx;
    const key = ctx.keys.session(id);
    if (!ctx.cluster) return readRecord(ctx, key, undefined);
    // Cluster: the script and the epoch read go to two nodes at once (one round trip of latency).
    const [flat, epoch] = await Promise.all([runScript(ctx.client, READ_SCRIPT, [key], ['*']), readEpoch(ctx)]);
    const decoded = decodeRecord(id, flat as string[]);
    return decoded && decoded.epoch === epoch ? decoded.record : null;
  }

  async patch(id: string, patch: SessionPatch): Promise<PatchResult> {
    const ctx = this.#ctx;
    const expect = Object.entries(patch.expect ?? {});
    const unset = patch.unset ?? [];
    const args = [
      epochArg(ctx, undefined),
      patch.lastSeenAt === undefined ? '' : String(patch.lastSeenAt),
      patch.expiresAt === undefined ? '' : String(patch.expiresAt),
      ctx.grace,
      String(expect.length),
      String(unset.length),
    ];
    for (const [name, value] of expect) args.push(dataField(name), value === null ? '0' : '1', value ?? '');
    for (const name of unset) args.push(dataField(name));
    for (const [name, value] of Object.entries(patch.set ?? {})) args.push(dataField(name), value);
    const keys = scriptKeys(ctx, ctx.keys.session(id));
    if (!ctx.cluster) {
      const [status] = (await runScript(ctx.client, PATCH_SCRIPT, keys, args)) as string[];
      return status as PatchResult;
    }
    // The script ran without the epoch (another slot): a write that reached a revoked record is
    // reported as missing, and stays invisible because a revoked record never becomes live again.
    const [reply, epoch] = await Promise.all([runScript(ctx.client, PATCH_SCRIPT, keys, args), readEpoch(ctx)]);
    const [status, recordEpoch] = reply as string[];
    return status !== 'missing' && recordEpoch !== epoch ? 'missing' : (status as PatchResult);
  }

  async destroy(id: string): Promise<void> {
    // The patch script checks existence atomically, so no tombstone is needed: once the key is
    // gone every later patch answers 'missing'. The user index entry is pruned by readers.
    await guarded(this.#ctx.client.del(this.#ctx.keys.session(id)));
  }

  async listByUser(userId: string): Promise<StoredSession[]> {
    const ctx = this.#ctx;
    const indexKey = ctx.keys.userIndex(userId);
    const [entries, epoch] = await Promise.all([indexEntries(ctx, indexKey), bulkEpoch(ctx)]);
    const records = await Promise.all(entries.map((entry) => readRecord(ctx, ctx.keys.session(entry.id), epoch)));
    const live: StoredSession[] = [];
    const stale: IndexEntry[] = [];
    records.forEach((record, i) => {
      if (record && record.userId === userId) live.push(record);
      else stale.push(entries[i]!);
    });
    await pruneIndex(ctx, indexKey, stale, Date.now());
    return live;
  }

  listByUserPage(userId: string, page: { readonly limit: number; readonly after: string | null }): Promise<UserPage> {
    return listByUserPage(this.#ctx, userId, page.limit, page.after === null ? null : parseCursor(page.after));
  }

  async destroyByUser(userId: string, except: readonly string[] = []): Promise<number> {
    const ctx = this.#ctx;
    const indexKey = ctx.keys.userIndex(userId);
    const [entries, epoch] = await Promise.all([indexEntries(ctx, indexKey), bulkEpoch(ctx)]);
    const keep = new Set(except);
    const targets = entries.filter((entry) => !keep.has(entry.id));
    // 1 = deleted a live record, 0 = deleted a revoked one, -1 = absent or another user's.
    const results = await Promise.all(
      targets.map((entry) =>
        runScript(ctx.client, DESTROY_FOR_USER_SCRIPT, scriptKeys(ctx, ctx.keys.session(entry.id)), [
          epochArg(ctx, epoch),
          userId,
        ]),
      ),
    );
    const deleted = targets.filter((_, i) => results[i] !== -1).map((entry) => entry.id);
    if (deleted.length > 0) await guarded(ctx.client.zrem(indexKey, ...deleted));
    await pruneIndex(
      ctx,
      indexKey,
      targets.filter((_, i) => results[i] === -1),
      Date.now(),
    );
    return results.filter((r) => r === 1).length;
  }

  async revokeAll(): Promise<void> {
    // One INCR, no scan: every script compares a record's epoch with this key.
    await guarded(this.#ctx.client.incr(this.#ctx.keys.epoch));
  }

  async purgeExpired(now: number, limit = 10_000): Promise<number> {
    return purgeExpired(this.#ctx, now, limit);
  }

  async *exportRecords(): AsyncIterable<StoredSession> {
    const ctx = this.#ctx;
    const epoch = await bulkEpoch(ctx);
    // SCAN may return a key twice while Redis rehashes; yield each record once.
    const seen = new Set<string>();
    for await (const batch of scanKeys(ctx.client, ctx.keys.sessionPattern)) {
      const fresh = batch.filter((key) => !seen.has(key));
      for (const key of fresh) seen.add(key);
      const records = await Promise.all(fresh.map((key) => readRecord(ctx, key, epoch)));
      for (const record of records) if (record) yield record;
    }
  }

  async importRecords(records: AsyncIterable<StoredSession> | Iterable<StoredSession>): Promise<number> {
    // Imported records are stamped with the epoch current now: they are live after a revokeAll.
    const epoch = await bulkEpoch(this.#ctx);
    let written = 0;
    let batch: StoredSession[] = [];
    const flush = async () => {
      await Promise.all(batch.map((record) => writeRecord(this.#ctx, record, 'replace', epoch)));
      written += batch.length;
      batch = [];
    };
    for await (const record of records) {
      if (!isStoredSession(record)) {
        const position = written + batch.length + 1;
        throw new CustosError(
          'INVALID_RECORD',
          `redisStore.importRecords: record #${position} is not a session record`,
        );
      }
      batch.push(record);
      if (batch.length >= 100) await flush();
    }
    await flush();
    return written;
  }

  async ping(): Promise<void> {
    await guarded(this.#ctx.client.ping());
  }

  async count(): Promise<number> {
    let n = 0;
    for await (const _ of this.exportRecords()) n++;
    return n;
  }

  /** The client belongs to the caller (it may serve other code): close it yourself. */
  async close(): Promise<void> {}
}

/**
 * Creates a {@link RedisStore}.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { redisStore } from 'custos/stores/redis';
 *
 * const client = new Redis(process.env.REDIS_URL!, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
 * const store = redisStore({ client, prefix: 'myapp:sess:' });
 * ```
 */
export function redisStore(options: RedisStoreOptions): RedisStore {
  return new RedisStore(options);
}
