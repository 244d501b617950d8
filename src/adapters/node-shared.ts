import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { SessionManager } from '../core/manager.js';
import type { RequestLike } from '../core/request.js';
import type { Session } from '../core/session.js';
import { CustosError } from '../errors.js';
import { resolveClient, type TrustedProxies } from '../protect/proxy.js';

export interface NodeAdapterOptions {
  /** Peers whose `X-Forwarded-*` headers are believed; `'loopback'` for a proxy on this host. @default [] */
  trustedProxies?: TrustedProxies;
}

/** Builds the core's view of a Node request. */
export function toRequestLike(req: IncomingMessage, trustedProxies: TrustedProxies = []): RequestLike {
  const client = resolveClient(
    { remoteAddress: req.socket?.remoteAddress, encrypted: Boolean((req.socket as TLSSocket | undefined)?.encrypted) },
    (name) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value.join(', ') : value;
    },
    trustedProxies,
  );
  return {
    method: req.method ?? 'GET',
    url: req.url ?? '/',
    headers: req.headers,
    remoteAddress: client.ip,
    secure: client.secure,
  };
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

/** The one generic answer for a session failure: status only, no stack, no internals (checklist STO-04). */
export function sendSessionError(res: ServerResponse, error: unknown): boolean {
  if (!(error instanceof CustosError) || res.headersSent) return false;
  const body = error.status === 503 ? 'Service unavailable' : error.status === 401 ? 'Not signed in' : 'Forbidden';
  res.statusCode = error.status;
  res.removeHeader('content-length');
  res.setHeader('content-type', 'text/plain; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.end(body);
  return true;
}

/** What `commitOnEnd` needs of a session (custos/express-session passes its own wrapper). */
export interface CommittableSession {
  commit(): Promise<void>;
  responseHeaders(): ReadonlyArray<[string, string]>;
  /** False when `commit()` would write nothing: the response then ends without waiting. */
  needsCommit?(): boolean;
}

type End = (chunk?: unknown, encoding?: unknown, callback?: unknown) => ServerResponse;
type WriteHead = (...args: unknown[]) => ServerResponse;

/**
 * Makes the response carry the session's headers and wait for its store write: `end()` is held
 * until `commit()` resolves, so the client's next request always sees this one's writes
 * (read-your-writes). If the commit fails before headers went out, the answer becomes a 503.
 * A session with nothing to write (a read inside the touch window) ends at once: no promise,
 * no extra tick on the hot path (issue 7).
 */
export function commitOnEnd(res: ServerResponse, session: CommittableSession): void {
  let applied = false;
  let ending = false;
  const originalWriteHead = res.writeHead as WriteHead;
  const originalEnd = res.end as End;
  const apply = () => {
    if (applied || res.headersSent) return;
    applied = true;
    const headers = session.responseHeaders();
    if (headers.length > 0) applySessionHeaders(res, headers);
  };
  res.writeHead = function writeHeadWithSession(this: ServerResponse, ...args: unknown[]) {
    apply();
    return originalWriteHead.apply(this, args);
  } as typeof res.writeHead;
  res.end = function endAfterCommit(this: ServerResponse, chunk?: unknown, encoding?: unknown, callback?: unknown) {
    if (ending) return this;
    ending = true;
    if (session.needsCommit?.() === false) {
      apply();
      return originalEnd.call(res, chunk, encoding, callback);
    }
    session.commit().then(
      () => {
        apply();
        originalEnd.call(res, chunk, encoding, callback);
      },
      (error: unknown) => {
        // The commit failed: this response must not carry the session's cookie (it names no stored record).
        applied = true;
        res.end = originalEnd as typeof res.end;
        if (!sendSessionError(res, error)) originalEnd.call(res, chunk, encoding, callback);
      },
    );
    return this;
  } as typeof res.end;
}

/** Loads the session for a Node request and wires the commit to the response. */
export function attachSession<D extends object>(
  manager: SessionManager<D>,
  req: IncomingMessage,
  res: ServerResponse,
  options: NodeAdapterOptions = {},
): Promise<Session<D>> {
  return manager.load(toRequestLike(req, options.trustedProxies)).then((session) => {
    commitOnEnd(res, session);
    return session;
  });
}
