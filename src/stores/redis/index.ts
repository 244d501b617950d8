import { CustosError } from '../../errors.js';
import type { PatchResult, SessionPatch, SessionStore, StoredSession } from '../contract.js';
import { isStoredSession } from '../contract.js';
import { asCommands, guarded, type RedisClient, type RedisCommands, runScript, scanKeys } from './client.js';
import { DEFAULT_PREFIX, type RedisKeys, redisKeys } from './keys.js';
import { dataField, decodeRecord, encodeRecord } from './record.js';
import { DESTROY_FOR_USER_SCRIPT, PATCH_SCRIPT, PURGE_SCRIPT, READ_SCRIPT, WRITE_SCRIPT } from './scripts.js';
import { type IndexEntry, parseIndex } from './user-index.js';

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
 * `purgeExpired` on Redis: keys carry a TTL (`expiresAt` + `ttlGrace`) so Redis deletes them by
 * itself; `purgeExpired(now)` deletes earlier those with `expiresAt <= now` or revoked by the
 * epoch, then prunes per-user index entries of vanished sessions. It SCANs the prefix (every
 * master on a cluster), O(sessions) per call: a maintenance job, not a per-request hook.
 * `exportRecords` and `count` SCAN the same way.
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
  readonly #client: RedisCommands;
  readonly #keys: RedisKeys;
  readonly #grace: string;
  readonly #cluster: boolean;

  constructor(options: RedisStoreOptions) {
    if (!options || typeof options.client !== 'object' || options.client === null) {
      throw new CustosError('INVALID_OPTION', 'redisStore: pass { client } with an ioredis Redis or Cluster');
    }
    const grace = options.ttlGrace ?? 300_000;
    if (!Number.isSafeInteger(grace) || grace < 0) {
      throw new CustosError('INVALID_OPTION', 'redisStore: ttlGrace must be a non-negative integer of milliseconds');
    }
    this.#client = asCommands(options.client);
    this.#keys = redisKeys(options.prefix ?? DEFAULT_PREFIX);
    this.#grace = String(grace);
    this.#cluster = this.#client.isCluster === true;
  }

  async create(record: StoredSession): Promise<boolean> {
    return (await this.#write(record, 'create')) === 1;
  }

  async get(id: string): Promise<StoredSession | null> {
    const key = this.#keys.session(id);
    if (!this.#cluster) return this.#read(key, undefined);
    const [flat, epoch] = await Promise.all([runScript(this.#client, READ_SCRIPT, [key], ['*']), this.#readEpoch()]);
    const decoded = decodeRecord(id, flat as string[]);
    return decoded && decoded.epoch === epoch ? decoded.record : null;
  }

  async patch(id: string, patch: SessionPatch): Promise<PatchResult> {
    const expect = Object.entries(patch.expect ?? {});
    const unset = patch.unset ?? [];
    const args = [
      this.#cluster ? '*' : '',
      patch.lastSeenAt === undefined ? '' : String(patch.lastSeenAt),
      patch.expiresAt === undefined ? '' : String(patch.expiresAt),
      this.#grace,
      String(expect.length),
      String(unset.length),
    ];
    for (const [name, value] of expect) args.push(dataField(name), value === null ? '0' : '1', value ?? '');
    for (const name of unset) args.push(dataField(name));
    for (const [name, value] of Object.entries(patch.set ?? {})) args.push(dataField(name), value);
    const key = this.#keys.session(id);
    if (!this.#cluster) {
      const [status] = (await runScript(this.#client, PATCH_SCRIPT, [key, this.#keys.epoch], args)) as string[];
      return status as PatchResult;
    }
    // The script ran without the epoch (another slot): a write that reached a revoked record is
    // reported as missing, and stays invisible because a revoked record never becomes live again.
    const [reply, epoch] = await Promise.all([runScript(this.#client, PATCH_SCRIPT, [key], args), this.#readEpoch()]);
    const [status, recordEpoch] = reply as string[];
    return status !== 'missing' && recordEpoch !== epoch ? 'missing' : (status as PatchResult);
  }

  async destroy(id: string): Promise<void> {
    // The patch script checks existence atomically, so no tombstone is needed: once the key is
    // gone every later patch answers 'missing'. The user index entry is pruned by readers.
    await guarded(this.#client.del(this.#keys.session(id)));
  }

  async listByUser(userId: string): Promise<StoredSession[]> {
    const indexKey = this.#keys.userIndex(userId);
    const [entries, epoch] = await Promise.all([this.#indexEntries(indexKey), this.#bulkEpoch()]);
    const records = await Promise.all(entries.map((entry) => this.#read(this.#keys.session(entry.id), epoch)));
    const live: StoredSession[] = [];
    const stale: IndexEntry[] = [];
    records.forEach((record, i) => {
      if (record && record.userId === userId) live.push(record);
      else stale.push(entries[i]!);
    });
    await this.#prune(indexKey, stale, Date.now());
    return live;
  }

  async destroyByUser(userId: string, except: readonly string[] = []): Promise<number> {
    const indexKey = this.#keys.userIndex(userId);
    const [entries, epoch] = await Promise.all([this.#indexEntries(indexKey), this.#bulkEpoch()]);
    const keep = new Set(except);
    const targets = entries.filter((entry) => !keep.has(entry.id));
    const results = await Promise.all(
      targets.map((entry) => {
        const key = this.#keys.session(entry.id);
        return runScript(this.#client, DESTROY_FOR_USER_SCRIPT, this.#scriptKeys(key), [this.#epochArg(epoch), userId]);
      }),
    );
    const deleted = targets.filter((_, i) => results[i] !== -1).map((entry) => entry.id);
    if (deleted.length > 0) await guarded(this.#client.zrem(indexKey, ...deleted));
    await this.#prune(
      indexKey,
      targets.filter((_, i) => results[i] === -1),
      Date.now(),
    );
    return results.filter((r) => r === 1).length;
  }

  async revokeAll(): Promise<void> {
    await guarded(this.#client.incr(this.#keys.epoch));
  }

  async purgeExpired(now: number, limit = 10_000): Promise<number> {
    const epoch = await this.#bulkEpoch();
    let removed = 0;
    sweep: for await (const batch of scanKeys(this.#client, this.#keys.sessionPattern)) {
      for (let start = 0; start < batch.length; ) {
        const room = limit - removed;
        if (room <= 0) break sweep;
        // At most `room` candidates at once: each call deletes at most one record.
        const chunk = batch.slice(start, start + room);
        start += chunk.length;
        const results = await Promise.all(
          chunk.map((key) =>
            runScript(this.#client, PURGE_SCRIPT, this.#scriptKeys(key), [this.#epochArg(epoch), String(now)]),
          ),
        );
        removed += results.filter((r) => r === 1).length;
      }
    }
    if (removed < limit) await this.#sweepUserIndexes(now, epoch);
    return removed;
  }

  async *exportRecords(): AsyncIterable<StoredSession> {
    const epoch = await this.#bulkEpoch();
    // SCAN may return a key twice while Redis rehashes; yield each record once.
    const seen = new Set<string>();
    for await (const batch of scanKeys(this.#client, this.#keys.sessionPattern)) {
      const fresh = batch.filter((key) => !seen.has(key) && this.#keys.idOfSessionKey(key) !== null);
      for (const key of fresh) seen.add(key);
      const records = await Promise.all(fresh.map((key) => this.#read(key, epoch)));
      for (const record of records) if (record) yield record;
    }
  }

  async importRecords(records: AsyncIterable<StoredSession> | Iterable<StoredSession>): Promise<number> {
    // Imported records are stamped with the epoch current now: they are live after a revokeAll.
    const epoch = await this.#bulkEpoch();
    let written = 0;
    let batch: StoredSession[] = [];
    const flush = async () => {
      await Promise.all(batch.map((record) => this.#write(record, 'replace', epoch)));
      written += batch.length;
      batch = [];
    };
    for await (const record of records) {
      if (!isStoredSession(record)) {
        throw new CustosError(
          'INVALID_RECORD',
          `redisStore.importRecords: record #${written + batch.length + 1} is not a session record`,
        );
      }
      batch.push(record);
      if (batch.length >= 100) await flush();
    }
    await flush();
    return written;
  }

  async ping(): Promise<void> {
    await guarded(this.#client.ping());
  }

  async count(): Promise<number> {
    let n = 0;
    for await (const _ of this.exportRecords()) n++;
    return n;
  }

  /** The client belongs to the caller (it may serve other code): close it yourself. */
  async close(): Promise<void> {}

  async #write(record: StoredSession, mode: 'create' | 'replace', epoch?: string): Promise<unknown> {
    const key = this.#keys.session(record.id);
    const expiresAt = String(record.expiresAt);
    const args = [mode, expiresAt, this.#grace, record.id, ...encodeRecord(record)];
    const indexKey = record.userId === null ? null : this.#keys.userIndex(record.userId);
    if (!this.#cluster) {
      const keys = indexKey ? [key, this.#keys.epoch, indexKey] : [key, this.#keys.epoch];
      return runScript(this.#client, WRITE_SCRIPT, keys, ['', ...args]);
    }
    // Cluster: index entry first (another slot), so a live record is never missing from its
    // user's index — destroyByUser must find every session of a user.
    const [current] = await Promise.all([
      epoch ?? this.#readEpoch(),
      indexKey ? guarded(this.#client.zadd(indexKey, expiresAt, record.id)) : undefined,
    ]);
    return runScript(this.#client, WRITE_SCRIPT, [key], [current, ...args]);
  }

  /** A live record by key; `epoch` is required in cluster mode (the script enforces it). */
  async #read(key: string, epoch: string | undefined): Promise<StoredSession | null> {
    const id = this.#keys.idOfSessionKey(key);
    if (id === null) return null;
    const flat = await runScript(this.#client, READ_SCRIPT, this.#scriptKeys(key), [this.#epochArg(epoch)]);
    return decodeRecord(id, flat as string[])?.record ?? null;
  }

  #scriptKeys(sessionKey: string): string[] {
    return this.#cluster ? [sessionKey] : [sessionKey, this.#keys.epoch];
  }

  #epochArg(epoch: string | undefined): string {
    return this.#cluster ? (epoch ?? '*') : '';
  }

  async #readEpoch(): Promise<string> {
    return (await guarded(this.#client.get(this.#keys.epoch))) ?? '0';
  }

  /** Bulk operations read the epoch once on a cluster; standalone scripts read it themselves. */
  async #bulkEpoch(): Promise<string | undefined> {
    return this.#cluster ? this.#readEpoch() : undefined;
  }

  async #indexEntries(indexKey: string): Promise<IndexEntry[]> {
    return parseIndex(await guarded(this.#client.zrange(indexKey, 0, -1, 'WITHSCORES')));
  }

  /**
   * Drops index entries whose record is gone. Only entries whose expiresAt hint has passed: a
   * fresh entry may belong to a record a cluster `create` is writing right now.
   */
  async #prune(indexKey: string, stale: readonly IndexEntry[], now: number): Promise<void> {
    const expired = stale.filter((entry) => entry.score <= now).map((entry) => entry.id);
    if (expired.length > 0) await guarded(this.#client.zrem(indexKey, ...expired));
  }

  async #sweepUserIndexes(now: number, epoch: string | undefined): Promise<void> {
    for await (const batch of scanKeys(this.#client, this.#keys.userIndexPattern)) {
      await Promise.all(
        batch.map(async (indexKey) => {
          const flat = await guarded(this.#client.zrangebyscore(indexKey, '-inf', String(now), 'WITHSCORES'));
          const entries = parseIndex(flat);
          const records = await Promise.all(entries.map((entry) => this.#read(this.#keys.session(entry.id), epoch)));
          const stale = entries.filter((_, i) => records[i] === null);
          await this.#prune(indexKey, stale, now);
          // Sessions extended by patch keep an old hint: move it so the next sweep skips them.
          await Promise.all(
            records.map((record, i) =>
              record && record.expiresAt > entries[i]!.score
                ? guarded(this.#client.zadd(indexKey, 'XX', String(record.expiresAt), record.id))
                : undefined,
            ),
          );
        }),
      );
    }
  }
}

/** Creates a {@link RedisStore}. */
export function redisStore(options: RedisStoreOptions): RedisStore {
  return new RedisStore(options);
}
