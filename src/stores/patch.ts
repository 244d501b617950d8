import type { SessionPatch, StoredSession } from './contract.js';

/** True when a compare-and-set expectation does not hold for the current fields. */
export function patchConflicts(fields: Readonly<Record<string, string>>, patch: SessionPatch): boolean {
  if (!patch.expect) return false;
  for (const [name, expected] of Object.entries(patch.expect)) {
    const current = Object.hasOwn(fields, name) ? fields[name] : null;
    if (current !== expected) return true;
  }
  return false;
}

/** The record after a patch, for stores that hold whole records (memory, SQLite, export files). */
export function applyPatch(record: StoredSession, patch: SessionPatch): StoredSession {
  // A Map, not object spread/assign: a field named `__proto__` must be stored like any other.
  const next = new Map(Object.entries(record.fields));
  for (const name of patch.unset ?? []) next.delete(name);
  for (const [name, value] of Object.entries(patch.set ?? {})) next.set(name, value);
  const fields = Object.fromEntries(next) as Record<string, string>;
  return {
    ...record,
    fields,
    lastSeenAt: patch.lastSeenAt ?? record.lastSeenAt,
    expiresAt: patch.expiresAt ?? record.expiresAt,
  };
}
