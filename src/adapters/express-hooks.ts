import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  applyOnce,
  type CommitState,
  type CommittableSession,
  type End,
  endWithSession,
  type WriteHead,
} from './node-shared.js';

/**
 * `req.session` and the commit-before-end hooks for Express, installed once on Express's shared
 * request/response prototypes instead of on every request and response object.
 *
 * Why: Express gives each `req`/`res` a new prototype (`app.request`/`app.response`), and adding
 * own properties to such objects is V8's slow path (a map migration each time). Counted with
 * callgrind (bench/instructions.ts), `req.session = …` cost about 36,000 instructions per request
 * and own `res.end`/`res.writeHead` wrappers about 48,000, more than loading the session itself.
 * Through the prototypes the per-request work is one WeakMap entry.
 *
 * The hooks sit on the prototypes every app's `app.request`/`app.response` inherit from, so a
 * mounted sub-app (which switches the prototypes) still reaches them. A response that is not
 * custos' (another app, or one whose own `end` another middleware replaced before custos ran)
 * finds no entry, or is never given one, and the adapter falls back to per-object wrapping.
 */

interface Pending {
  readonly session: CommittableSession & object;
  readonly state: CommitState;
}

interface Hooks {
  readonly end: End;
  readonly writeHead: WriteHead;
}

/** Keyed by `res`: the session it must commit before it ends. */
const pending = new WeakMap<object, Pending>();
/** Express's base response prototype → the hooks installed on it. */
const installed = new WeakMap<object, Hooks>();

/**
 * The first object up `obj`'s prototype chain that is not an app's own `app.request` /
 * `app.response`. A mounted sub-app's `app.request` inherits from its parent's (Express sets
 * that on mount), so the chain can hold several app objects before the shared one.
 */
function sharedBase(obj: object): object | null {
  let proto = Object.getPrototypeOf(obj) as object | null;
  // `app.request` and `app.response` carry the app; the objects they inherit from are shared.
  if (!proto || !Object.hasOwn(proto, 'app')) return null;
  while (proto && Object.hasOwn(proto, 'app')) proto = Object.getPrototypeOf(proto) as object | null;
  return proto;
}

/** Express's shared base prototypes, when these objects come from an Express app. */
function expressBases(req: IncomingMessage, res: ServerResponse): { request: object; response: object } | null {
  const request = sharedBase(req);
  const response = sharedBase(res);
  return request && response ? { request, response } : null;
}

function install(bases: { request: object; response: object }): void {
  Object.defineProperty(bases.request, 'session', {
    configurable: true,
    get(this: { res?: object }) {
      return this.res === undefined ? undefined : pending.get(this.res)?.session;
    },
    // Assigning `req.session` (another session library, a test) gives the request its own value.
    set(this: object, value: unknown) {
      Object.defineProperty(this, 'session', { value, writable: true, configurable: true, enumerable: true });
    },
  });
  // The real methods are looked up on every call, so later patches of Node's prototypes still run.
  const parent = Object.getPrototypeOf(bases.response) as { end: End; writeHead: WriteHead };
  const hooks: Hooks = {
    writeHead: function writeHeadWithSession(this: ServerResponse, ...args: unknown[]) {
      const entry = pending.get(this);
      if (entry) applyOnce(this, entry.session, entry.state);
      return parent.writeHead.apply(this, args);
    },
    end: function endAfterCommit(this: ServerResponse, chunk?: unknown, encoding?: unknown, callback?: unknown) {
      const entry = pending.get(this);
      if (!entry) return parent.end.call(this, chunk, encoding, callback);
      if (entry.state.ending) return this;
      entry.state.ending = true;
      endWithSession(
        this,
        entry.session,
        entry.state,
        () => parent.end.call(this, chunk, encoding, callback),
        () => pending.delete(this),
      );
      return this;
    },
  };
  Object.defineProperty(bases.response, 'writeHead', { value: hooks.writeHead, configurable: true, writable: true });
  Object.defineProperty(bases.response, 'end', { value: hooks.end, configurable: true, writable: true });
  installed.set(bases.response, hooks);
}

/**
 * Gives `req.session` and the commit-before-end behaviour through the prototype hooks. False when
 * this request cannot use them; the caller then wraps the objects themselves.
 */
export function attachThroughPrototypes(
  req: IncomingMessage,
  res: ServerResponse,
  session: CommittableSession & object,
): boolean {
  const bases = expressBases(req, res);
  if (!bases) return false;
  const hooks = installed.get(bases.response);
  if (!hooks) {
    // Middleware before custos may already hold this response's old `end`: wrap this one directly.
    install(bases);
    return false;
  }
  const usable =
    res.end === hooks.end &&
    res.writeHead === hooks.writeHead &&
    (req as { res?: unknown }).res === res &&
    !pending.has(res) &&
    !Object.hasOwn(req, 'session');
  if (!usable) return false;
  pending.set(res, { session, state: { applied: false, ending: false } });
  return true;
}
