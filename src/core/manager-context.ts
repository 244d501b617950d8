import type { ResolvedOptions } from '../options.js';
import type { SessionStore } from '../stores/contract.js';
import type { EventInput } from '../vocabulary/events.js';

/** What a Session needs from its manager; kept narrow so sessions stay testable. */
export interface ManagerContext {
  readonly options: ResolvedOptions;
  readonly store: SessionStore;
  /** Runs a store operation under the store timeout; failures become `STORE_UNAVAILABLE`. */
  call<T>(operation: string, work: () => Promise<T>): Promise<T>;
  emit(event: EventInput): void;
  /** Applies `maxSessionsPerUser` before a login adds one more session. */
  makeRoomFor(userId: string): Promise<void>;
  /** Sealed-cookie mode only: the cookie value is the sealed record, re-issued after any write. */
  readonly sealedCookie?: { changed(): boolean; value(id: string): string | null };
}
