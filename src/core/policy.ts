import type { StoredSession } from '../stores/contract.js';

/** The timing rules, in one place: "where is the idle timeout decided?" — here. */
export interface TimingPolicy {
  readonly idleTimeout: number;
  readonly absoluteTimeout: number;
  readonly renewAfter: number | false;
  readonly touchAfter: number;
}

/** Checklist TMO-01: enforced from the record on every read, never from the store's TTL. */
export function isIdleExpired(record: Pick<StoredSession, 'lastSeenAt'>, policy: TimingPolicy, now: number): boolean {
  return now >= record.lastSeenAt + policy.idleTimeout;
}

/** Checklist TMO-03: whatever the activity. */
export function isAbsoluteExpired(record: Pick<StoredSession, 'absoluteExpiresAt'>, now: number): boolean {
  return now >= record.absoluteExpiresAt;
}

/** The store hint: the earlier of the idle and absolute deadlines. */
export function storeExpiry(lastSeenAt: number, absoluteExpiresAt: number, policy: TimingPolicy): number {
  return Math.min(lastSeenAt + policy.idleTimeout, absoluteExpiresAt);
}

/** Throttled activity writes: read-only traffic inside the window costs no store write (DESIGN decision 4). */
export function needsTouch(record: Pick<StoredSession, 'lastSeenAt'>, policy: TimingPolicy, now: number): boolean {
  return now - record.lastSeenAt >= policy.touchAfter;
}

/** Periodic id rotation; the absolute deadline is carried over unchanged (checklist TMO-04). */
export function needsRenewal(record: Pick<StoredSession, 'createdAt'>, policy: TimingPolicy, now: number): boolean {
  return policy.renewAfter !== false && now - record.createdAt >= policy.renewAfter;
}
