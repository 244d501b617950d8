import { isInternal, openFields } from './record.js';
import { dropIdentity, type SessionState } from './session-state.js';

// Field access and dirty tracking. Reads are served from memory: a pending change (`dirty`)
// wins over the value as loaded (`plain`). Writes only mark a field dirty; commit writes just
// those (DESIGN decision 4).

/** A field's JSON as the request currently sees it, or undefined when it is absent. */
export function currentJson(state: SessionState, key: string): string | undefined {
  if (state.dirty.has(key)) return state.dirty.get(key) ?? undefined;
  return state.plain.get(key);
}

/** A field's parsed value as the request currently sees it. */
export function readField(state: SessionState, key: string): unknown {
  const json = currentJson(state, key);
  return json === undefined ? undefined : JSON.parse(json);
}

/** Records a change (new JSON, or null for a delete) for commit; the session must exist. */
export function markDirty(state: SessionState, key: string, json: string | null): void {
  state.dirty.set(key, json);
}

/** Every field (internal ones included) with its current JSON. */
export function allCurrentJson(state: SessionState): Map<string, string> {
  const out = new Map<string, string>();
  for (const key of new Set([...state.plain.keys(), ...state.dirty.keys()])) {
    const json = currentJson(state, key);
    if (json !== undefined) out.set(key, json);
  }
  return out;
}

/** Every user key with its value (internal fields excluded). */
export function userFields(state: SessionState): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const keys = new Set([...state.plain.keys(), ...state.dirty.keys()]);
  for (const key of keys) {
    if (isInternal(key)) continue;
    const value = readField(state, key);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/**
 * Re-reads the stored fields, dropping changes not yet committed (express-session's `reload`).
 * False, with the session forgotten and its cookie cleared, when the record is gone or will not
 * open.
 */
export async function reloadFields(state: SessionState): Promise<boolean> {
  const record = state.record;
  if (!record || !state.persisted) return false;
  const { ctx } = state;
  const fresh = await ctx.call('get', () => ctx.store.get(record.id));
  if (!fresh || fresh.verifier !== record.verifier) return forget(state);
  const plain = openFields(ctx.options.keyring, fresh);
  if (!plain) return forget(state);
  state.record = fresh;
  state.plain = plain;
  state.dirty.clear();
  return true;
}

function forget(state: SessionState): false {
  dropIdentity(state);
  return false;
}
