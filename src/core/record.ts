import type { Keyring } from '../crypto/keyring.js';
import { openField, seal } from '../crypto/seal.js';
import type { StoredSession } from '../stores/contract.js';
import { fieldAad, isInternal, SYSTEM_FIELD, SYSTEM_SEPARATOR, unpackSystemField } from './field-layout.js';
import { storeExpiry, type TimingPolicy } from './policy.js';
import { secretVerifier } from './token.js';

export { fieldAad, isInternal, SYSTEM_FIELD } from './field-layout.js';

/**
 * Seals plaintext JSON fields for record `id` (checklist STO-02: AAD = record id + field name).
 * Internal entries go into `$sys` together; pass all of them whenever one changes.
 */
export function sealFields(keyring: Keyring, id: string, plain: Iterable<[string, string]>): Record<string, string> {
  const sealed: Record<string, string> = {};
  let system = '';
  for (const [name, json] of plain) {
    if (isInternal(name))
      system +=
        system === '' ? `${name}${SYSTEM_SEPARATOR}${json}` : `${SYSTEM_SEPARATOR}${name}${SYSTEM_SEPARATOR}${json}`;
    else sealed[name] = seal(keyring, json, fieldAad(id, name));
  }
  if (system !== '') sealed[SYSTEM_FIELD] = seal(keyring, system, fieldAad(id, SYSTEM_FIELD));
  return sealed;
}

/**
 * Opens every field of a record into name → JSON, `$sys` unpacked into its internal keys (which
 * win over the separate `$csrf`/`$client`/`$auth` fields of records written before `$sys`).
 * Null when any field fails to open: the record was edited or moved (checklist STO-02).
 */
export function openFields(keyring: Keyring, record: Pick<StoredSession, 'id' | 'fields'>): Map<string, string> | null {
  const plain = new Map<string, string>();
  const { fields, id } = record;
  let system: string | undefined;
  for (const name of Object.keys(fields)) {
    const json = openField(keyring, fields[name] as string, id, name);
    if (json === null) return null;
    if (name === SYSTEM_FIELD) system = json;
    else plain.set(name, json);
  }
  if (system !== undefined) {
    if (!unpackSystemField(system, plain)) return null;
  }
  return plain;
}

/**
 * The stored-field changes that write a session's internal values: `$sys` rewritten from all of
 * them, and any separate internal field of an older record removed (its value now lives in `$sys`).
 */
export function systemFieldPatch(
  internal: ReadonlyMap<string, string>,
  storedNames: readonly string[],
): { entries: Array<[string, string]>; unset: string[] } {
  const entries = [...internal];
  const unset = storedNames.filter((name) => isInternal(name) && (name !== SYSTEM_FIELD || entries.length === 0));
  return { entries, unset };
}

/**
 * A fresh record for a freshly minted token: only the SHA-256 of the secret is kept
 * (checklist STO-01), and the store's expiry hint is the earlier of the two deadlines.
 */
export function newRecord(
  token: { id: string; secret: string },
  identity: { userId: string | null; authenticatedAt: number | null; absoluteExpiresAt: number },
  now: number,
  policy: TimingPolicy,
  fields: Record<string, string> = {},
): StoredSession {
  return {
    id: token.id,
    verifier: secretVerifier(token.secret),
    userId: identity.userId,
    createdAt: now,
    lastSeenAt: now,
    authenticatedAt: identity.authenticatedAt,
    absoluteExpiresAt: identity.absoluteExpiresAt,
    expiresAt: storeExpiry(now, identity.absoluteExpiresAt, policy),
    fields,
  };
}
