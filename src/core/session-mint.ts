import { randomToken } from '../crypto/random.js';
import { CustosError } from '../errors.js';
import type { StoredSession } from '../stores/contract.js';
import { clientFieldJson, INTERNAL } from './internal-fields.js';
import { newRecord, sealFields } from './record.js';
import type { SessionState } from './session-state.js';
import { mintToken } from './token.js';

// New session ids, in memory only: the anonymous session a first write starts, and the record
// an id change (login, renewal…) replaces the old one with. Nothing here touches the store;
// session-commit.ts writes what is minted here.

/** Why an id changes, carried on the `rotated`/`created` event. */
export type RotationReason = 'login' | 'reauthenticate' | 'regenerate' | 'renew';

/** What the session looks like under its next id. */
export interface NextIdentity {
  readonly userId: string | null;
  readonly authenticatedAt: number | null;
  readonly absoluteExpiresAt: number;
  /** Every field's JSON to carry over, internal ones included. */
  readonly fields: Map<string, string>;
  readonly reason: RotationReason;
}

/** Refuses (with an event) to issue a session cookie over plain HTTP (checklist TLS-03). */
export function assertCanIssue(state: SessionState): void {
  if (!state.client.canIssueCookie) {
    state.ctx.emit({ type: 'https-required', ip: state.client.ip, reason: 'cookie-over-plain-http' });
    throw new CustosError('HTTPS_REQUIRED', 'sessions need HTTPS: a session cookie is never issued over plain HTTP');
  }
}

/** Mints an anonymous session in memory; it reaches the store at commit. */
export function startAnonymous(state: SessionState): void {
  assertCanIssue(state);
  const token = mintToken();
  const absoluteExpiresAt = state.now + state.ctx.options.absoluteTimeout;
  state.record = newRecord(
    token,
    { userId: null, authenticatedAt: null, absoluteExpiresAt },
    state.now,
    state.ctx.options,
  );
  state.secret = token.secret;
  state.persisted = false;
  state.destroyed = false;
  state.cookie = 'set';
  state.plain = new Map();
  state.dirty.set(INTERNAL.csrf, JSON.stringify(randomToken(32)));
  setClientField(state, state.dirty);
}

/** The record (fields sealed) and token secret of the session's next id. */
export function mintNextIdentity(
  state: SessionState,
  next: NextIdentity,
): { record: StoredSession; secret: string; plain: Map<string, string> } {
  const token = mintToken();
  const plain = new Map(next.fields);
  // Checklist CSRF-03: tokens issued before an id change stop working. Periodic renewal is not
  // a privilege change: it keeps the secret so forms in flight still work.
  if (next.reason !== 'renew' || !plain.has(INTERNAL.csrf)) plain.set(INTERNAL.csrf, JSON.stringify(randomToken(32)));
  setClientField(state, plain);
  const { options } = state.ctx;
  const record = newRecord(token, next, state.now, options, sealFields(options.keyring, token.id, plain));
  return { record, secret: token.secret, plain };
}

/** Records the client the id is issued to, for device lists and hijack signals. */
function setClientField(state: SessionState, target: { set(name: string, json: string): unknown }): void {
  const json = clientFieldJson(state.client);
  if (json !== undefined) target.set(INTERNAL.client, json);
}
