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

/**
 * Makes the response carry the session's headers and wait for its store write: `end()` is held
 * until `commit()` resolves, so the client's next request always sees this one's writes
 * (read-your-writes). If the commit fails before headers went out, the answer becomes a 503.
 */
export function commitOnEnd(res: ServerResponse, session: Session<object>): void {
  let applied = false;
  const apply = () => {
    if (applied || res.headersSent) return;
    applied = true;
    applySessionHeaders(res, session.responseHeaders());
  };
  const originalWriteHead = res.writeHead;
  res.writeHead = function writeHeadWithSession(this: ServerResponse, ...args: unknown[]) {
    apply();
    return (originalWriteHead as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as typeof res.writeHead;
  const originalEnd = res.end;
  let ending = false;
  res.end = function endAfterCommit(this: ServerResponse, ...args: unknown[]) {
    if (ending) return this;
    ending = true;
    session.commit().then(
      () => {
        apply();
        (originalEnd as (...a: unknown[]) => ServerResponse).apply(res, args);
      },
      (error: unknown) => {
        // The commit failed: this response must not carry the session's cookie (it names no stored record).
        applied = true;
        res.end = originalEnd;
        if (!sendSessionError(res, error)) (originalEnd as (...a: unknown[]) => ServerResponse).apply(res, args);
      },
    );
    return this;
  } as typeof res.end;
}

/** Loads the session for a Node request and wires the commit to the response. */
export async function attachSession<D extends object>(
  manager: SessionManager<D>,
  req: IncomingMessage,
  res: ServerResponse,
  options: NodeAdapterOptions = {},
): Promise<Session<D>> {
  const session = await manager.load(toRequestLike(req, options.trustedProxies));
  commitOnEnd(res, session as Session<object>);
  return session;
}
