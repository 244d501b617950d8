import { CustosError } from '../errors.js';
import { INTERNAL } from './internal-fields.js';
import { destroyStored, rotate, rotateSameIdentity } from './session-commit.js';
import { allCurrentJson, currentJson, readField } from './session-fields.js';
import { dropIdentity, type SessionState } from './session-state.js';

// Identity changes: who the session belongs to and under which id. Each change is written to the
// store at once, through session-commit.ts, not at the end of the request.

export interface LoginOptions<D> {
  /** Anonymous-session keys carried into the new session; everything else is dropped (checklist FIX-01). */
  keep?: readonly (keyof D & string)[];
  /** Authentication assurance level of the event (checklist FIX-05). @default 1 */
  aal?: 1 | 2 | 3;
  /** Authentication methods used, e.g. `['pwd', 'otp']`. */
  amr?: readonly string[];
  /** A half-finished login (e.g. MFA pending): `isAuthenticated` stays false (checklist FIX-03). */
  pending?: boolean;
}

export interface AuthInfo {
  readonly aal: number;
  readonly amr: readonly string[];
  readonly pending: boolean;
}

/** The authentication state recorded in the `$auth` field (level 0, no methods, when absent). */
export function readAuth(state: SessionState): AuthInfo {
  const raw = readField(state, INTERNAL.auth) as Partial<AuthInfo> | undefined;
  return { aal: raw?.aal ?? 0, amr: raw?.amr ?? [], pending: raw?.pending ?? false };
}

/** True only for a completed login (not a pending MFA step, checklist FIX-03). */
export function isAuthenticated(state: SessionState): boolean {
  return state.record?.userId != null && !readAuth(state).pending;
}

/**
 * Authenticates the session: a brand-new id, the old record deleted, authentication time
 * recorded, absolute deadline restarted (checklist FIX-01, ASVS 5.0 7.2.4).
 */
export async function login<D>(state: SessionState, userId: string, options: LoginOptions<D>): Promise<void> {
  if (typeof userId !== 'string' || userId.length === 0 || userId.length > 512) {
    throw new TypeError('login(userId) needs a non-empty string of at most 512 characters');
  }
  await state.ctx.makeRoomFor(userId);
  const keep = new Set<string>(options.keep ?? []);
  const carried = new Map<string, string>();
  for (const key of keep) {
    const json = currentJson(state, key);
    if (json !== undefined) carried.set(key, json);
  }
  const auth: AuthInfo = {
    aal: options.aal ?? 1,
    amr: [...(options.amr ?? ['pwd'])],
    pending: options.pending ?? false,
  };
  carried.set(INTERNAL.auth, JSON.stringify(auth));
  await rotate(state, {
    userId,
    authenticatedAt: state.now,
    absoluteExpiresAt: state.now + state.ctx.options.absoluteTimeout,
    fields: carried,
    reason: 'login',
  });
}

/** The user proved who they are again: both timers restart and the id rotates (checklist TMO-04, RA-02). */
export async function reauthenticate<D>(
  state: SessionState,
  options: Pick<LoginOptions<D>, 'aal' | 'amr'>,
): Promise<void> {
  const userId = state.record?.userId;
  if (!userId) throw new CustosError('NOT_AUTHENTICATED', 'sign in first');
  const fields = allCurrentJson(state);
  const prev = readAuth(state);
  fields.set(
    INTERNAL.auth,
    JSON.stringify({ aal: options.aal ?? prev.aal, amr: [...(options.amr ?? prev.amr)], pending: false }),
  );
  await rotate(state, {
    userId,
    authenticatedAt: state.now,
    absoluteExpiresAt: state.now + state.ctx.options.absoluteTimeout,
    fields,
    reason: 'reauthenticate',
  });
}

/** A new id for the same session: data, authentication time and absolute deadline carry over. */
export function regenerate(state: SessionState): Promise<void> {
  return rotateSameIdentity(state, 'regenerate');
}

/** Ends the session: the record is deleted before the response, the cookie cleared (checklist TRM-01). */
export async function destroy(state: SessionState): Promise<void> {
  await destroyStored(state);
  dropIdentity(state);
  state.destroyed = true;
}

/** Whether the last authentication is at most `maxAge` ms old. */
export function isFresh(state: SessionState, maxAge: number): boolean {
  const at = state.record?.authenticatedAt ?? null;
  return isAuthenticated(state) && at !== null && state.now - at <= maxAge;
}
