import type { StoredSession } from '../contract.js';
import { guarded, type RedisCommands, runScript } from './client.js';
import type { RedisKeys } from './keys.js';
import { decodeRecord, encodeRecord } from './record.js';
import { READ_SCRIPT, WRITE_SCRIPT } from './scripts.js';

/** What every store operation needs: the client, the key layout and the deployment shape. */
export interface RedisContext {
  readonly client: RedisCommands;
  readonly keys: RedisKeys;
  /** Cluster: the epoch key lives in another slot than any session, so scripts cannot read it. */
  readonly cluster: boolean;
  /** Milliseconds a key outlives its expiresAt, as a string for script arguments. */
  readonly grace: string;
}

/** KEYS for a per-session script: the session, plus the epoch key where one script may read both. */
export function scriptKeys(ctx: RedisContext, sessionKey: string): string[] {
  return ctx.cluster ? [sessionKey] : [sessionKey, ctx.keys.epoch];
}

/** The epoch argument of a script (see scripts.ts): standalone scripts read the epoch themselves. */
export function epochArg(ctx: RedisContext, epoch: string | undefined): string {
  return ctx.cluster ? (epoch ?? '*') : '';
}

export async function readEpoch(ctx: RedisContext): Promise<string> {
  return (await guarded(ctx.client.get(ctx.keys.epoch))) ?? '0';
}

/** Bulk operations read the epoch once on a cluster; standalone scripts read it themselves. */
export async function bulkEpoch(ctx: RedisContext): Promise<string | undefined> {
  return ctx.cluster ? readEpoch(ctx) : undefined;
}

/** A live record by key; on a cluster pass the epoch read beforehand (the script enforces it). */
export async function readRecord(
  ctx: RedisContext,
  sessionKey: string,
  epoch: string | undefined,
): Promise<StoredSession | null> {
  const id = ctx.keys.idOfSessionKey(sessionKey);
  if (id === null) return null;
  const flat = await runScript(ctx.client, READ_SCRIPT, scriptKeys(ctx, sessionKey), [epochArg(ctx, epoch)]);
  return decodeRecord(id, flat as string[])?.record ?? null;
}

/**
 * Writes a whole record with its user index entry: `create` fails on a live record with that id,
 * `replace` (import) overwrites. Resolves to 1 when written, 0 when `create` found a live record.
 */
export async function writeRecord(
  ctx: RedisContext,
  record: StoredSession,
  mode: 'create' | 'replace',
  epoch?: string,
): Promise<unknown> {
  const key = ctx.keys.session(record.id);
  const expiresAt = String(record.expiresAt);
  const args = [mode, expiresAt, ctx.grace, record.id, ...encodeRecord(record)];
  const indexKey = record.userId === null ? null : ctx.keys.userIndex(record.userId);
  if (!ctx.cluster) {
    const keys = indexKey ? [key, ctx.keys.epoch, indexKey] : [key, ctx.keys.epoch];
    return runScript(ctx.client, WRITE_SCRIPT, keys, ['', ...args]);
  }
  // Cluster: the index entry goes first (another slot), so a live record is never missing from
  // its user's index — destroyByUser must find every session of a user.
  const [current] = await Promise.all([
    epoch ?? readEpoch(ctx),
    indexKey ? guarded(ctx.client.zadd(indexKey, expiresAt, record.id)) : undefined,
  ]);
  return runScript(ctx.client, WRITE_SCRIPT, [key], [current, ...args]);
}
