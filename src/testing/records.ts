import { randomBytes } from 'node:crypto';
import type { StoredSession } from '../stores/contract.js';

/**
 * A random 128-bit base64url string, the shape of a public session handle.
 *
 * @example
 * ```ts
 * import { makeId } from 'custos/testing';
 *
 * expect(await store.get(makeId())).toBeNull(); // an id no store has seen
 * ```
 */
export function makeId(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * A user id nobody else in the test run will pick.
 *
 * @example
 * ```ts
 * import { makeRecord, makeUserId } from 'custos/testing';
 *
 * const userId = makeUserId();
 * await store.create(makeRecord({ userId }));
 * expect(await store.listByUser(userId)).toHaveLength(1);
 * ```
 */
export function makeUserId(): string {
  return `user-${randomBytes(8).toString('base64url')}`;
}

/**
 * A string that looks like a sealed field (`v1.<nonce>.<ciphertext>`). Stores treat field values as
 * opaque, so tests only need something random that cannot collide with another value.
 *
 * @example
 * ```ts
 * import { makeRecord, makeSealedValue } from 'custos/testing';
 *
 * const record = makeRecord({ fields: { cart: makeSealedValue(), big: makeSealedValue(2_000) } });
 * ```
 */
export function makeSealedValue(byteLength = 24): string {
  return `v1.${randomBytes(12).toString('base64url')}.${randomBytes(byteLength).toString('base64url')}`;
}

/**
 * A plausible, live (not yet expired) session record for store tests: a random id and verifier, a
 * random user, timestamps around now, and two sealed-looking fields.
 *
 * @example
 * const anonymous = makeRecord({ userId: null, authenticatedAt: null });
 * const expired = makeRecord({ expiresAt: Date.now() - 1 });
 */
export function makeRecord(overrides: Partial<StoredSession> = {}): StoredSession {
  const now = Date.now();
  const userId = overrides.userId === undefined ? makeUserId() : overrides.userId;
  return {
    id: makeId(),
    verifier: randomBytes(32).toString('base64url'),
    userId,
    createdAt: now,
    lastSeenAt: now,
    authenticatedAt: userId === null ? null : now,
    absoluteExpiresAt: now + 12 * 3_600_000,
    expiresAt: now + 30 * 60_000,
    fields: { $csrf: makeSealedValue(), cart: makeSealedValue() },
    ...overrides,
  };
}
