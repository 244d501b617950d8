import type { SetCookie } from '../cookie/serialize.js';
import type { StoredSession } from '../stores/contract.js';
import type { ManagerContext } from './manager-context.js';
import { needsRenewal, needsTouch } from './policy.js';

/** Per-request view of the client: filled by the manager from the RequestLike. */
export interface ClientContext {
  readonly ip: string | undefined;
  readonly device: string | undefined;
  /** TLS, or a loopback host in development: only then may a cookie be issued (checklist TLS-03). */
  readonly canIssueCookie: boolean;
  /**
   * Issues the signed double-submit token that stands in for a session's own CSRF token before
   * the visitor has a session (checklist FIX-04), with the visitor cookie to set, if any.
   */
  readonly preSessionToken: () => PreSessionGrant;
}

/** A pre-session form token and the visitor cookie that must go out with it, if any. */
export interface PreSessionGrant {
  readonly token: string;
  readonly cookie: SetCookie | null;
}

/** What the response does with the session cookie. */
export type CookieAction = 'none' | 'set' | 'clear';

/** A record the manager verified and opened for this request. */
export interface LoadedSession {
  readonly record: StoredSession;
  readonly secret: string;
  readonly plain: Map<string, string>;
  /** Verified under an older secret: every field is re-sealed under the newest key at commit. */
  readonly reissue: boolean;
}

/**
 * The private state of one request's session. `Session` holds one and the modules beside it
 * (fields, identity, commit, response) are functions over it, so each concept reads in one file
 * while the public class stays a thin, stable surface.
 */
export interface SessionState {
  readonly ctx: ManagerContext;
  readonly client: ClientContext;
  /** The request's clock reading: one instant for every decision the request makes. */
  readonly now: number;
  record: StoredSession | null;
  /** The token secret for the cookie; null until the session exists. */
  secret: string | null;
  /** Whether `record` is in the store (false for a session started by this request). */
  persisted: boolean;
  /** Plaintext JSON of every field, internal ones included. */
  plain: Map<string, string>;
  /** Field name → new JSON, or null for a delete. */
  dirty: Map<string, string | null>;
  cookie: CookieAction;
  destroyed: boolean;
  /** The idle timer should slide at commit. */
  touchDue: boolean;
  /** The id should be renewed at commit. */
  renewDue: boolean;
  /** The pre-session form token of this request, once asked for: one per response. */
  preSession: PreSessionGrant | null;
}

export function createSessionState(
  ctx: ManagerContext,
  client: ClientContext,
  loaded: LoadedSession | null,
  initialCookie: CookieAction,
): SessionState {
  const now = ctx.options.clock();
  const state: SessionState = {
    ctx,
    client,
    now,
    record: loaded?.record ?? null,
    secret: loaded?.secret ?? null,
    persisted: loaded !== null,
    plain: loaded?.plain ?? new Map(),
    dirty: new Map(),
    cookie: loaded?.reissue ? 'set' : initialCookie,
    destroyed: false,
    touchDue: false,
    renewDue: false,
    preSession: null,
  };
  if (loaded?.reissue) {
    // Verified under an older secret: re-seal every field under the newest key at commit.
    for (const [name, json] of loaded.plain) state.dirty.set(name, json);
  }
  if (loaded) {
    state.touchDue = needsTouch(loaded.record, ctx.options, now);
    state.renewDue = needsRenewal(loaded.record, ctx.options, now);
  }
  return state;
}

/** Forgets the session in memory (no store call) and clears the cookie on the response. */
export function dropIdentity(state: SessionState): void {
  state.record = null;
  state.secret = null;
  state.persisted = false;
  state.plain = new Map();
  state.dirty.clear();
  state.cookie = 'clear';
}
