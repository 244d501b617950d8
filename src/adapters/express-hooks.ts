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

/** What an entry exposes on the request besides the commit, read through the prototypes. */
export interface PrototypeAttachment {
  /** What `req.session` reads; omit when the entry gives the request its own `session` property. */
  readonly session?: unknown;
  /** `req.sessionID`, computed when read. */
  readonly sessionID?: () => string;
  /** `req.sessionStore`. */
  readonly sessionStore?: unknown;
  /**
   * Header changes after `res.end()` throw `ERR_HTTP_HEADERS_SENT` while the end waits for the
   * store, as Node answers once a response is sent.
   */
  readonly refuseLateHeaders?: boolean;
}

interface Pending {
  readonly session: CommittableSession & object;
  readonly state: CommitState;
  readonly attachment: PrototypeAttachment;
  /** True from `res.end()` while it waits for the store (only with `refuseLateHeaders`). */
  refusing: boolean;
}

/** The header changes refused after `res.end()` (here and in the per-object fallback). */
export type HeaderMethod = 'setHeader' | 'appendHeader' | 'removeHeader';
export const HEADER_METHODS: readonly HeaderMethod[] = ['setHeader', 'appendHeader', 'removeHeader'];
type HeaderGuard = (this: ServerResponse, name: string, value?: unknown) => unknown;

interface Hooks {
  readonly end: End;
  readonly writeHead: WriteHead;
  /** Installed with the first entry that refuses late headers; custos/express never pays for them. */
  guards?: Readonly<Record<HeaderMethod, HeaderGuard>>;
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

/** The entry of the request's response (Express links them as `req.res`). */
function entryOf(req: { res?: object }): Pending | undefined {
  return req.res === undefined ? undefined : pending.get(req.res);
}

/**
 * A request property read through the entry. Assigning it (another session library, a test)
 * gives the request its own value, as a plain assignment would.
 */
function requestAccessor(proto: object, name: string, read: (attachment: PrototypeAttachment) => unknown): void {
  Object.defineProperty(proto, name, {
    configurable: true,
    get(this: { res?: object }) {
      const entry = entryOf(this);
      return entry === undefined ? undefined : read(entry.attachment);
    },
    set(this: object, value: unknown) {
      Object.defineProperty(this, name, { value, writable: true, configurable: true, enumerable: true });
    },
  });
}

function install(bases: { request: object; response: object }): void {
  requestAccessor(bases.request, 'session', (a) => a.session);
  requestAccessor(bases.request, 'sessionID', (a) => a.sessionID?.());
  requestAccessor(bases.request, 'sessionStore', (a) => a.sessionStore);
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
      // Only while the end still waits for the store: once sent, Node itself refuses.
      if (entry.attachment.refuseLateHeaders) entry.refusing = !this.headersSent;
      return this;
    },
  };
  Object.defineProperty(bases.response, 'writeHead', { value: hooks.writeHead, configurable: true, writable: true });
  Object.defineProperty(bases.response, 'end', { value: hooks.end, configurable: true, writable: true });
  installed.set(bases.response, hooks);
}

function installGuards(response: object, hooks: Hooks): Readonly<Record<HeaderMethod, HeaderGuard>> {
  const parent = Object.getPrototypeOf(response) as Record<HeaderMethod, HeaderGuard>;
  const guard = (method: HeaderMethod): HeaderGuard => {
    return function guardedHeader(this: ServerResponse, name: string, value?: unknown) {
      // The guard lifts once custos applies its own headers (the session's, or the generic error
      // answer's): both set `applied` first.
      const entry = pending.get(this);
      if (entry?.refusing && !entry.state.applied) throw headersSentError(method);
      return parent[method].call(this, name, value);
    };
  };
  const guards = {
    setHeader: guard('setHeader'),
    appendHeader: guard('appendHeader'),
    removeHeader: guard('removeHeader'),
  };
  for (const method of HEADER_METHODS) {
    Object.defineProperty(response, method, { value: guards[method], configurable: true, writable: true });
  }
  hooks.guards = guards;
  return guards;
}

/** Node's own error for a header change on a sent response. */
export function headersSentError(method: HeaderMethod): Error {
  const verb = method === 'removeHeader' ? 'remove' : 'set';
  return Object.assign(new Error(`Cannot ${verb} headers after they are sent to the client`), {
    code: 'ERR_HTTP_HEADERS_SENT',
  });
}

/**
 * Gives `req.session` (or what `attachment` names) and the commit-before-end behaviour through
 * the prototype hooks. False when this request cannot use them; the caller then wraps the
 * objects themselves.
 */
export function attachThroughPrototypes(
  req: IncomingMessage,
  res: ServerResponse,
  session: CommittableSession & object,
  attachment: PrototypeAttachment = { session },
): boolean {
  const bases = expressBases(req, res);
  if (!bases) return false;
  const hooks = installed.get(bases.response);
  if (!hooks) {
    // Middleware before custos may already hold this response's old `end`: wrap this one directly.
    install(bases);
    return false;
  }
  const guards = attachment.refuseLateHeaders ? (hooks.guards ?? installGuards(bases.response, hooks)) : null;
  if (!usable(req, res, hooks, guards, attachment)) return false;
  pending.set(res, { session, state: { applied: false, ending: false }, attachment, refusing: false });
  return true;
}

/** Whether nothing between Express and custos replaced what the hooks rely on for this request. */
function usable(
  req: IncomingMessage,
  res: ServerResponse,
  hooks: Hooks,
  guards: Readonly<Record<HeaderMethod, HeaderGuard>> | null,
  attachment: PrototypeAttachment,
): boolean {
  if (res.end !== hooks.end || res.writeHead !== hooks.writeHead) return false;
  if (guards !== null && HEADER_METHODS.some((method) => res[method] !== guards[method])) return false;
  if ((req as { res?: unknown }).res !== res || pending.has(res) || Object.hasOwn(req, 'session')) return false;
  return attachment.sessionID === undefined || !Object.hasOwn(req, 'sessionID');
}
