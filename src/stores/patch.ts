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
  // Object spread defines own data properties (CopyDataProperties), so a field named
  // `__proto__` is copied as data, never used as the prototype; and it is V8's fast clone path
  // (a Map round trip showed in the write path's profile, issue 7). Existing fields keep their
  // order, new ones follow; a name both set and unset ends up set.
  const set = patch.set ?? {};
  const fields: Record<string, string> = { ...record.fields, ...set };
  for (const name of patch.unset ?? []) {
    if (!Object.hasOwn(set, name)) delete fields[name];
  }
  // Every property spelled out: one object shape for every record (a spread of records built in
  // different places showed as V8's slow clone path in the write profile).
  return {
    id: record.id,
    verifier: record.verifier,
    userId: record.userId,
    createdAt: record.createdAt,
    lastSeenAt: patch.lastSeenAt ?? record.lastSeenAt,
    authenticatedAt: record.authenticatedAt,
    absoluteExpiresAt: record.absoluteExpiresAt,
    expiresAt: patch.expiresAt ?? record.expiresAt,
    fields,
  };
}
