import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { SessionManager } from '../core/manager.js';
import type { Session } from '../core/session.js';
import {
  compileTrustedProxies,
  type ProxyTrust,
  resolveClient,
  type TrustedProxies,
  type TrustPredicate,
} from '../protect/proxy.js';
import type { RequestLike } from '../vocabulary/request.js';
import type { AdapterOptionsFor } from './adapter-options.js';
import { type FailureAnswer, genericSessionFailure } from './error-body.js';

export type { TrustPredicate };

/** @deprecated The same shape as every adapter's `AdapterOptions`; use `AdapterOptions` from `custos/node`. */
export type NodeAdapterOptions = AdapterOptionsFor<IncomingMessage>;

/** Checks and compiles an explicit `trustedProxies` once, when the middleware is created. */
export function startupTrust(list: TrustedProxies | undefined): TrustPredicate | undefined {
  return list === undefined ? undefined : compileTrustedProxies(list);
}

/**
 * Koa's own proxy setting as a trust decision: `app.proxy` trusts forwarded headers, and
 * `app.maxIpsCount` (0 = no limit) is how many hops, counting the socket peer, may be proxies.
 */
export function koaTrust(app: { proxy?: boolean; maxIpsCount?: number } | undefined): TrustPredicate {
  if (app?.proxy !== true) return () => false;
  const hops = app.maxIpsCount ?? 0;
  return hops > 0 ? (_address, hop) => hop < hops : () => true;
}

/** Express's compiled `trust proxy` setting, when `req` comes from an Express app. */
function expressTrust(req: IncomingMessage): TrustPredicate | undefined {
  const app = (req as { app?: { get?: (setting: string) => unknown } }).app;
  const fn = typeof app?.get === 'function' ? app.get('trust proxy fn') : undefined;
  return typeof fn === 'function' ? (fn as TrustPredicate) : undefined;
}

/**
 * Builds the core's view of a Node request. Without an explicit trust, an Express request
 * follows its app's `trust proxy` (so `app.set('trust proxy', 1)` behind a PaaS router just
 * works), but forwarded values are still read from the trusted hop, never the left-most.
 * `remoteAddress` replaces the socket's peer address (the `remoteAddress` option's answer).
 *
 * @example
 * ```ts
 * import { toRequestLike } from 'custos/node';
 *
 * // Behind nginx on the same host: believe its X-Forwarded-For / X-Forwarded-Proto.
 * const { remoteAddress, secure } = toRequestLike(req, ['loopback']);
 * log.info({ remoteAddress, secure }, 'request');
 * ```
 */
export function toRequestLike(req: IncomingMessage, trust?: ProxyTrust, remoteAddress?: string): RequestLike {
  const client = resolveClient(
    {
      remoteAddress: remoteAddress ?? req.socket?.remoteAddress,
      encrypted: Boolean((req.socket as TLSSocket | undefined)?.encrypted),
    },
    (name) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value.join(', ') : value;
    },
    trust ?? expressTrust(req) ?? [],
  );
  return {
    method: req.method ?? 'GET',
    url: req.url ?? '/',
    headers: req.headers,
    remoteAddress: client.ip,
    secure: client.secure,
  };
}

/** Method and headers only, for checks that never look at the client (content type). */
export function bareRequestLike(req: IncomingMessage): RequestLike {
  return { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, secure: false };
}

/** Adds the session's headers; `Set-Cookie` is appended so the app's own cookies survive. */
export function applySessionHeaders(res: ServerResponse, headers: ReadonlyArray<[string, string]>): void {
  for (const [name, value] of headers) {
    if (name === 'set-cookie') {
      const existing = res.getHeader('set-cookie');
      const list = existing === undefined ? [] : Array.isArray(existing) ? existing.map(String) : [String(existing)];
      res.setHeader('set-cookie', [
        ...list.filter((c) => !c.startsWith(`${value.slice(0, value.indexOf('='))}=`)),
        value,
      ]);
    } else {
      res.setHeader(name, value);
    }
  }
}

/** Writes a row of the failure table as the whole response (headers replaced, body ended). */
export function sendFailure(res: ServerResponse, answer: FailureAnswer): void {
  res.statusCode = answer.status;
  res.removeHeader('content-length');
  for (const [name, value] of answer.headers) res.setHeader(name, value);
  res.end(answer.body);
}

/** The one generic answer for a session failure: status only, no stack, no internals (checklist STO-04). */
export function sendSessionError(res: ServerResponse, error: unknown): boolean {
  const answer = genericSessionFailure(error);
  if (!answer || res.headersSent) return false;
  sendFailure(res, answer);
  return true;
}

/** What `commitOnEnd` needs of a session (custos/express-session passes its own wrapper). */
export interface CommittableSession {
  commit(): Promise<void>;
  responseHeaders(): ReadonlyArray<[string, string]>;
  /** False when `commit()` would write nothing: the response then ends without waiting. */
  needsCommit?(): boolean;
}

export type End = (chunk?: unknown, encoding?: unknown, callback?: unknown) => ServerResponse;
export type WriteHead = (...args: unknown[]) => ServerResponse;

/** What one response has done with its session: headers added, end requested. */
export interface CommitState {
  applied: boolean;
  ending: boolean;
}

/** Adds the session's headers to the response once, unless the headers already went out. */
export function applyOnce(res: ServerResponse, session: CommittableSession, state: CommitState): void {
  if (state.applied || res.headersSent) return;
  state.applied = true;
  const headers = session.responseHeaders();
  if (headers.length > 0) applySessionHeaders(res, headers);
}

/**
 * Ends a response that carries a session: at once when the session has nothing to write (a read
 * inside the touch window: no promise, no extra tick, issue 7), otherwise after `commit()`
 * resolves, so the client's next request sees this one's writes (read-your-writes). A failed
 * commit becomes the generic 503 without the session's cookie (it names no stored record);
 * `release` must first make `res.end` the real one again, `end` is the real end of this call.
 */
export function endWithSession(
  res: ServerResponse,
  session: CommittableSession,
  state: CommitState,
  end: () => void,
  release: () => void,
): void {
  if (session.needsCommit?.() === false) {
    applyOnce(res, session, state);
    end();
    return;
  }
  session.commit().then(
    () => {
      applyOnce(res, session, state);
      end();
    },
    (error: unknown) => {
      state.applied = true;
      release();
      if (!sendSessionError(res, error)) end();
    },
  );
}

/**
 * Makes the response carry the session's headers and wait for its store write (see
 * `endWithSession`) by wrapping this response's own `writeHead` and `end`. Returns the
 * response's commit state, whose `applied` turns true just before custos sets its own headers.
 */
export function commitOnEnd(res: ServerResponse, session: CommittableSession): Readonly<CommitState> {
  const state: CommitState = { applied: false, ending: false };
  const originalWriteHead = res.writeHead as WriteHead;
  const originalEnd = res.end as End;
  res.writeHead = function writeHeadWithSession(this: ServerResponse, ...args: unknown[]) {
    applyOnce(res, session, state);
    return originalWriteHead.apply(this, args);
  } as typeof res.writeHead;
  res.end = function endAfterCommit(this: ServerResponse, chunk?: unknown, encoding?: unknown, callback?: unknown) {
    if (state.ending) return this;
    state.ending = true;
    endWithSession(
      res,
      session,
      state,
      () => originalEnd.call(res, chunk, encoding, callback),
      () => {
        res.end = originalEnd as typeof res.end;
      },
    );
    return this;
  } as typeof res.end;
  return state;
}

/**
 * Loads the session for a Node request and wires the commit to the response (it runs before
 * `res.end` sends anything). Rejects with a `CustosError` when the store is down.
 *
 * @example
 * ```ts
 * import { attachSession } from 'custos/node';
 *
 * http.createServer(async (req, res) => {
 *   const session = await attachSession(manager, req, res);
 *   session.set('visits', (session.get('visits') ?? 0) + 1);
 *   res.end(`visits: ${session.get('visits')}`);
 * });
 * ```
 */
export function attachSession<D extends object>(
  manager: SessionManager<D>,
  req: IncomingMessage,
  res: ServerResponse,
  options: NodeAdapterOptions = {},
): Promise<Session<D>> {
  const request = toRequestLike(req, startupTrust(options.trustedProxies), options.remoteAddress?.(req));
  return manager.load(request).then((session) => {
    commitOnEnd(res, session);
    return session;
  });
}
