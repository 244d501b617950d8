import type { ServerResponse } from 'node:http';
import { HEADER_METHODS, headersSentError } from '../express-hooks.js';
import { type CommittableSession, commitOnEnd } from '../node-shared.js';

/**
 * Keeps Node's answer to a header change made after `res.end()`: the response waits for the
 * session's store write before it really ends, so without this a handler's late
 * `res.setHeader()` would succeed and change a response Node would already have sent (and a
 * `Content-Length` set then would leave the client waiting for a body that never comes). Until
 * the session's own headers go out, such a call throws `ERR_HTTP_HEADERS_SENT`, as in plain Node.
 * The per-object form of the prototype guard in express-hooks.ts, lifted the same way: custos
 * marks the commit state `applied` just before it sets its own headers (the session's, or the
 * generic error answer's).
 */
export function commitOnEndRefusingLateHeaders(res: ServerResponse, session: CommittableSession): void {
  let refusing = false;
  for (const method of HEADER_METHODS) {
    const original = res[method] as (...args: unknown[]) => unknown;
    if (typeof original !== 'function') continue;
    Object.defineProperty(res, method, {
      configurable: true,
      writable: true,
      value: function guardedHeader(this: ServerResponse, ...args: unknown[]) {
        if (refusing && !state.applied) throw headersSentError(method);
        return original.apply(this, args);
      },
    });
  }
  const state = commitOnEnd(res, session);
  const endWithSession = res.end;
  let ended = false;
  res.end = function endThenRefuseLateHeaders(this: ServerResponse, ...args: unknown[]) {
    const result = (endWithSession as (...a: unknown[]) => ServerResponse).apply(this, args);
    // Only while the end is still waiting for the store: once sent, Node itself refuses.
    if (!ended) refusing = !res.headersSent;
    ended = true;
    return result;
  } as typeof res.end;
}
