import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { type RequireJsonOptions, requireJson } from '../protect/content-type.js';
import type { EnforceHttpsOptions } from '../protect/https.js';
import { httpsDecision, resolveHttpsOptions } from '../protect/https.js';
import type { AdapterOptionsFor } from './adapter-options.js';
import { failureAnswer, httpsRedirect, httpsRefusal } from './error-body.js';
import { sendFailure } from './fastify-failure.js';
import { fastifyRequestLike } from './fastify-request.js';
import { bareRequestLike, startupTrust } from './node-shared.js';

/**
 * An `onRequest` hook: plain-HTTP GET/HEAD → 308 to `https://<host>`, other plain-HTTP methods
 * → 403 before any handler, HSTS on every HTTPS response (TLS-01..06).
 *
 * @example
 * app.addHook('onRequest', enforceHttps({ host: 'bank.example', trustedProxies: ['loopback'] }));
 */
export function enforceHttps(
  options: EnforceHttpsOptions & AdapterOptionsFor<FastifyRequest>,
): onRequestAsyncHookHandler {
  const resolved = resolveHttpsOptions(options);
  const trusted = startupTrust(options.trustedProxies);
  return async function custosEnforceHttps(request: FastifyRequest, reply: FastifyReply) {
    const decision = httpsDecision(fastifyRequestLike(request, trusted, options.remoteAddress), resolved);
    if (decision.action === 'continue') {
      for (const [name, value] of decision.headers) reply.header(name, value);
      return;
    }
    return sendFailure(
      reply,
      decision.action === 'redirect' ? httpsRedirect(decision.status, decision.location) : httpsRefusal(),
    );
  };
}

/**
 * An `onRequest` hook for JSON endpoints (CSRF-08): form, multipart and text bodies get 415 unparsed.
 *
 * @example
 * ```ts
 * import { jsonOnly } from 'custos/fastify';
 *
 * app.post('/api/transfer', { onRequest: jsonOnly({ requireHeader: 'x-csrf-token' }) }, transferHandler);
 * ```
 */
export function jsonOnly(options: RequireJsonOptions = {}): onRequestAsyncHookHandler {
  return async function custosJsonOnly(request: FastifyRequest, reply: FastifyReply) {
    const verdict = requireJson(bareRequestLike(request.raw), options);
    if (verdict.ok) return;
    return sendFailure(reply, failureAnswer(verdict.status));
  };
}
