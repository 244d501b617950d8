import { open, seal } from '../crypto/seal.js';
import { CustosError } from '../errors.js';
import type { StoredSession } from '../stores/contract.js';
import { applyPatch } from '../stores/patch.js';
import { encodeValue } from './data.js';
import { storeExpiry } from './policy.js';
import { fieldAad, isInternal, sealFields, systemFieldPatch } from './record.js';
import { allCurrentJson } from './session-fields.js';
import { assertCanIssue, mintNextIdentity, type NextIdentity, startAnonymous } from './session-mint.js';
import type { SessionState } from './session-state.js';

// The store write path: every write a session makes goes through this file, and this is the
// only place a store patch is built.
//
// - `commit`: the request's changes, as one patch (plus a touch), at the end of the request.
// - `persistNew`: the first write of a session started by this request (`create`).
// - `rotate`: an id change: create the new record, then destroy the old one (`login`,
//   `reauthenticate`; `rotateSameIdentity` for `regenerate` and the periodic renewal).
// - `destroyStored`: the session ends (`destroy`).
// - `updateField`: a compare-and-set patch of one field, for `update`.
//
// In sealed-cookie mode the store here is the request's cookie store, so the same path applies.
// The manager's own writes are elsewhere: an expired record deleted on load (manager-load.ts),
// revoke and purge (manager-admin.ts), the per-user cap (manager-session-cap.ts).

/**
 * Whether `commit()` has anything to do; false for a read-only request inside the touch window,
 * so adapters can end the response without waiting for a promise.
 */
export function needsCommit(state: SessionState): boolean {
  if (state.renewDue && state.persisted) return true;
  if (!state.record) return state.ctx.options.saveUninitialized && !state.destroyed && state.client.canIssueCookie;
  return !state.persisted || state.dirty.size > 0 || state.touchDue;
}

/** Writes what changed: nothing for a read-only request inside the touch window. */
export async function commit(state: SessionState): Promise<void> {
  // The same decision adapters use to skip commit(): they can never skip a write made here.
  if (!needsCommit(state)) return;
  if (state.renewDue && state.persisted) {
    state.renewDue = false;
    // Periodic renewal is not a privilege change: the CSRF secret stays so forms in flight work.
    await rotateSameIdentity(state, 'renew');
  }
  const record = state.record;
  if (!record) {
    // needsCommit() said saveUninitialized applies: start the session and persist it.
    startAnonymous(state);
    return commit(state);
  }
  if (!state.persisted) return persistNew(state);
  if (state.dirty.size === 0 && !state.touchDue) return;
  const { ctx } = state;
  const unset: string[] = [];
  const written: Array<[string, string]> = [];
  let internalChanged = false;
  for (const [name, json] of state.dirty) {
    if (isInternal(name)) internalChanged = true;
    else if (json === null) unset.push(name);
    else written.push([name, json]);
  }
  if (internalChanged) {
    // Internal values are stored together in `$sys`: one change rewrites it from all of them.
    const system = systemFieldPatch(internalAfterCommit(state), Object.keys(record.fields));
    written.push(...system.entries);
    unset.push(...system.unset);
  }
  const set = sealFields(ctx.options.keyring, record.id, written);
  // The timestamps go to the store only when they move (a touch): a data-only write leaves
  // lastSeenAt, expiresAt and the key's TTL alone (fewer writes per patch, issue 7).
  const touch = state.touchDue
    ? { lastSeenAt: state.now, expiresAt: storeExpiry(state.now, record.absoluteExpiresAt, ctx.options) }
    : {};
  const patch = { set, unset, ...touch };
  const result = await ctx.call('patch', () => ctx.store.patch(record.id, patch));
  if (result === 'missing') {
    // Revoked or destroyed by another request meanwhile: never resurrect it (DESIGN decision 5).
    ctx.emit({ type: 'revoked', handle: record.id, userId: record.userId, reason: 'ended-during-request' });
    state.record = null;
    state.persisted = false;
    state.cookie = 'clear';
    return;
  }
  for (const [name, json] of state.dirty) {
    if (json === null) state.plain.delete(name);
    else state.plain.set(name, json);
  }
  state.dirty.clear();
  state.record = applyPatch(record, patch);
  state.touchDue = false;
}

/** Stores a session this request started (minting it first if nothing has been written yet). */
export async function persistNew(state: SessionState): Promise<void> {
  if (!state.record) startAnonymous(state);
  if (state.persisted) return;
  const { ctx, client } = state;
  const record = state.record as StoredSession;
  const plain = new Map([...state.dirty].filter((entry): entry is [string, string] => entry[1] !== null));
  const full = { ...record, fields: sealFields(ctx.options.keyring, record.id, plain) };
  const created = await ctx.call('create', () => ctx.store.create(full, { client: client.ip }));
  if (!created) throw new CustosError('STORE_CONFLICT', 'a new session id collided with an existing one');
  state.record = full;
  state.plain = plain;
  state.dirty.clear();
  state.persisted = true;
  ctx.emit({ type: 'created', handle: record.id, userId: record.userId, ip: client.ip });
}

/** Moves the session to a new id: the new record is created first, then the old one destroyed. */
export async function rotate(state: SessionState, next: NextIdentity): Promise<void> {
  assertCanIssue(state);
  const { ctx, client } = state;
  const old = state.persisted ? state.record : null;
  const { record, secret, plain } = mintNextIdentity(state, next);
  // Create first: if the store is down, the old session stays and no cookie is issued.
  const created = await ctx.call('create', () => ctx.store.create(record, { client: client.ip }));
  if (!created) throw new CustosError('STORE_CONFLICT', 'a new session id collided with an existing one');
  if (old) await ctx.call('destroy', () => ctx.store.destroy(old.id));
  state.record = record;
  state.secret = secret;
  state.plain = plain;
  state.dirty.clear();
  state.persisted = true;
  state.destroyed = false;
  state.touchDue = false;
  state.cookie = 'set';
  ctx.emit({
    type: old ? 'rotated' : 'created',
    handle: record.id,
    userId: record.userId,
    ip: client.ip,
    reason: next.reason,
  });
}

/**
 * A new id for the same session: data, authentication time and absolute deadline carry over
 * (`regenerate`, and the periodic renewal commit performs).
 */
export async function rotateSameIdentity(state: SessionState, reason: 'regenerate' | 'renew'): Promise<void> {
  const record = state.record;
  if (!record) return;
  await rotate(state, {
    userId: record.userId,
    authenticatedAt: record.authenticatedAt,
    absoluteExpiresAt: record.absoluteExpiresAt,
    fields: allCurrentJson(state),
    reason,
  });
}

/** Deletes the stored record, if this session has one, before the response (checklist TRM-01). */
export async function destroyStored(state: SessionState): Promise<void> {
  const record = state.record;
  if (!record || !state.persisted) return;
  const { ctx } = state;
  await ctx.call('destroy', () => ctx.store.destroy(record.id));
  ctx.emit({ type: 'destroyed', handle: record.id, userId: record.userId });
}

/**
 * Read-modify-write of one field that survives concurrent requests: compare-and-set on the
 * stored (sealed) field with retries, so 50 parallel `update('n', n => n + 1)` end at 50.
 */
export async function updateField<T>(state: SessionState, key: string, fn: (current: T | undefined) => T): Promise<T> {
  if (!state.record || !state.persisted) await persistNew(state);
  const { ctx } = state;
  const record = state.record as StoredSession;
  const { keyring } = ctx.options;
  for (let attempt = 0; attempt < 50; attempt++) {
    // First try against the field as this request loaded it: no extra read when nobody raced us.
    const fresh =
      attempt === 0 && !state.dirty.has(key)
        ? (state.record as StoredSession)
        : await ctx.call('get', () => ctx.store.get(record.id));
    if (!fresh) throw new CustosError('SESSION_DESTROYED', 'the session ended while it was being updated');
    const sealedBefore = Object.hasOwn(fresh.fields, key) ? (fresh.fields[key] as string) : null;
    const before = sealedBefore === null ? undefined : open(keyring, sealedBefore, fieldAad(record.id, key));
    const next = fn(before === undefined || before === null ? undefined : (JSON.parse(before) as T));
    const json = encodeValue(next);
    const sealed = seal(keyring, json, fieldAad(record.id, key));
    const result = await ctx.call('patch', () =>
      ctx.store.patch(record.id, { set: { [key]: sealed }, expect: { [key]: sealedBefore } }),
    );
    if (result === 'ok') {
      state.plain.set(key, json);
      state.dirty.delete(key);
      const current = state.record as StoredSession;
      state.record = { ...current, fields: { ...current.fields, [key]: sealed } };
      return next;
    }
    if (result === 'missing')
      throw new CustosError('SESSION_DESTROYED', 'the session ended while it was being updated');
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 2 * (attempt + 1)));
  }
  throw new CustosError('STORE_CONFLICT', `update of "${key}" kept conflicting with other requests; try again`);
}

/** Every internal (`$`) value as it stands once the pending changes are written. */
function internalAfterCommit(state: SessionState): Map<string, string> {
  const internal = new Map<string, string>();
  for (const [name, json] of state.plain) if (isInternal(name)) internal.set(name, json);
  for (const [name, json] of state.dirty) {
    if (!isInternal(name)) continue;
    if (json === null) internal.delete(name);
    else internal.set(name, json);
  }
  return internal;
}
