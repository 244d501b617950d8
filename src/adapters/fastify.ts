import type { FastifyPluginAsync, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import type { SessionData } from '../core/data.js';
import type { SessionManager } from '../core/manager.js';
import type { Session as CustosSession } from '../core/session.js';
import { CustosError } from '../errors.js';
import { CSRF_VARY, isUnsafeMethod } from '../protect/verify.js';
import type { AdapterOptionsFor } from './adapter-options.js';
import { failureAnswer, genericSessionFailure } from './error-body.js';
import { sendFailure, setFailureHeaders } from './fastify-failure.js';
import { fastifyRequestLike } from './fastify-request.js';
import { startupTrust } from './node-shared.js';
import { withVary } from './vary.js';
import { exposeCsrfToken } from './view-token.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The custos session for this request (typed by `SessionData` declaration merging). */
    session: CustosSession<SessionData>;
  }
}

/**
 * Options of `csrf` (and of the plugin, below): the same shape on every adapter, with Fastify's
 * `request`. Unset `trustedProxies`: Fastify's own `trustProxy` decides, unless `remoteAddress`
 * is given (then only `trustedProxies` may vouch for forwarded headers).
 */
export type AdapterOptions = AdapterOptionsFor<FastifyRequest>;

/** What `app.register(sessions, ...)` takes: the manager, `AdapterOptions`, and the plugin's own `csrf`. */
export interface FastifySessionsOptions extends AdapterOptions {
  /** The manager from `createSessions(...)`. */
  // biome-ignore lint/suspicious/noExplicitAny: any data shape; `request.session` is typed by SessionData
  manager: SessionManager<any>;
  /** Check CSRF on every route (else add `csrf(manager)` as a route's `preHandler`). @default false */
  csrf?: boolean;
}

/**
 * A `preHandler` that refuses cross-site and tokenless unsafe requests with a generic 403:
 * a same-origin signal plus the session's token in the `_csrf` body field or the
 * `x-csrf-token` header (checklist CSRF-01..07). Put `reply.locals.csrfToken` (what @fastify/view
 * passes to templates) or `manager.csrfToken(request.session)` in forms.
 *
 * @example
 * app.post('/transfer', { preHandler: csrf(manager) }, async (request) => ...);
 */
export function csrf<D extends object>(
  manager: SessionManager<D>,
  options: AdapterOptions = {},
): preHandlerAsyncHookHandler {
  const { field } = manager.options.protect;
  const trust = startupTrust(options.trustedProxies);
  return async function custosCsrf(request: FastifyRequest, reply: FastifyReply) {
    const body = request.body;
    const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[field] : undefined;
    const session = request.session as unknown as CustosSession<D>;
    // Checklist OPT-2: the decision below depends on these headers, refusal or not.
    if (isUnsafeMethod(request.method)) reply.header('vary', withVary(reply.getHeader('vary'), CSRF_VARY));
    const verdict = manager.verifyCsrf(
      fastifyRequestLike(request, trust, options.remoteAddress),
      session,
      typeof value === 'string' ? value : undefined,
    );
    if (!verdict.ok) return sendFailure(reply, failureAnswer(verdict.status));
    // `reply.locals` is what @fastify/view hands templates, as `res.locals` is in Express.
    exposeCsrfToken(reply, 'locals', () => manager.csrfToken(session));
  };
}

const plugin: FastifyPluginAsync<FastifySessionsOptions> = async (fastify, options) => {
  const { manager, trustedProxies, remoteAddress } = options;
  const trust = startupTrust(trustedProxies);
  /** Custos errors a route threw: answered generically in `onSend`, whatever the error handler made. */
  const failures = new WeakMap<FastifyRequest, CustosError>();
  fastify.decorateRequest('session', null as unknown as CustosSession<SessionData>);

  // Callback-style hooks: no promise per hook per request on the hot path (issue 7).
  fastify.addHook('onRequest', (request, reply, done) => {
    manager.load(fastifyRequestLike(request, trust, remoteAddress)).then(
      (session) => {
        request.session = session;
        done();
      },
      (error: unknown) => {
        const failure = genericSessionFailure(error);
        if (!failure) return done(error as Error);
        sendFailure(reply, failure);
      },
    );
  });

  if (options.csrf) fastify.addHook('preHandler', csrf(manager, { trustedProxies, remoteAddress }));

  fastify.addHook('onError', async (request, _reply, error) => {
    if (error instanceof CustosError) failures.set(request, error);
  });

  // Commit before the payload goes out, so the client's next request sees this one's writes.
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const session = request.session as CustosSession<object> | null;
    if (!session) return done(null, payload);
    const finish = (failure: unknown) => {
      const generic = genericSessionFailure(failure);
      if (generic) {
        setFailureHeaders(reply, generic);
        return done(null, generic.body);
      }
      for (const [name, value] of session.responseHeaders()) reply.header(name, value);
      done(null, payload);
    };
    const failure = failures.get(request);
    // Nothing to write (a read inside the touch window): answer without waiting for a promise.
    if (!session.needsCommit()) return finish(failure);
    session.commit().then(
      () => finish(failure),
      (error: unknown) => {
        if (!(error instanceof CustosError)) return done(error as Error);
        finish(failure ?? error);
      },
    );
  });
};

/**
 * Fastify 5 plugin: `request.session` in every route, the store write done in `onSend` before
 * the payload goes out, a generic 503 when the store is down. The reply is never patched.
 *
 * @example
 * const manager = createSessions({ secrets: [process.env.SESSION_SECRET!] });
 * await app.register(sessions, { manager });
 * app.get('/', async (request) => ({ visits: request.session.get('visits') }));
 */
export const sessions = fp(plugin, { fastify: '5.x', name: 'custos' });
export default sessions;

export { enforceHttps, jsonOnly } from './fastify-protect.js';
