import type { Keyring } from '../crypto/keyring.js';
import { seal } from '../crypto/seal.js';
import type { StoredSession } from '../stores/contract.js';
import { storeExpiry, type TimingPolicy } from './policy.js';
import { secretVerifier } from './token.js';

/** Where a sealed field lives: moving ciphertext to another record or field makes it unopenable. */
export const fieldAad = (id: string, name: string) => `${id}\u0000${name}`;

/** Seals plaintext JSON fields for record `id` (checklist STO-02: AAD = record id + field name). */
export function sealFields(keyring: Keyring, id: string, plain: Iterable<[string, string]>): Record<string, string> {
  const sealed: Record<string, string> = {};
  for (const [name, json] of plain) sealed[name] = seal(keyring, json, fieldAad(id, name));
  return sealed;
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
