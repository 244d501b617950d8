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
  const set = patch.set ?? {};
  const unset = patch.unset ?? [];
  const fields: Record<string, string> = {};
  // Plain loops into a fresh object (a Map round trip showed in the write path's profile,
  // issue 7); existing fields keep their order, new ones follow.
  for (const name of Object.keys(record.fields)) {
    if (unset.includes(name)) continue;
    putField(fields, name, Object.hasOwn(set, name) ? (set[name] as string) : (record.fields[name] as string));
  }
  for (const name of Object.keys(set)) {
    if (!Object.hasOwn(fields, name)) putField(fields, name, set[name] as string);
  }
  return {
    ...record,
    fields,
    lastSeenAt: patch.lastSeenAt ?? record.lastSeenAt,
    expiresAt: patch.expiresAt ?? record.expiresAt,
  };
}

/** A field named `__proto__` is stored like any other, never as the object's prototype. */
function putField(fields: Record<string, string>, name: string, value: string): void {
  if (name === '__proto__')
    Object.defineProperty(fields, name, { value, enumerable: true, writable: true, configurable: true });
  else fields[name] = value;
}
