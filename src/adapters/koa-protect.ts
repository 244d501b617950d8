import type { Context, Middleware, Next } from 'koa';
import { type RequireJsonOptions, requireJson } from '../protect/content-type.js';
import type { EnforceHttpsOptions } from '../protect/https.js';
import { httpsDecision, resolveHttpsOptions } from '../protect/https.js';
import type { AdapterOptionsFor } from './adapter-options.js';
import { failureAnswer, httpsRedirect, httpsRefusal } from './error-body.js';
import { respondWithFailure } from './koa-failure.js';
import { bareRequestLike, koaTrust, startupTrust, toRequestLike } from './node-shared.js';

/**
 * Koa middleware, mount it first: plain-HTTP GET/HEAD → 308 to `https://<host>`, other
 * plain-HTTP methods → 403, HSTS on every HTTPS response, error responses included (TLS-01..06).
 *
 * @example
 * ```ts
 * import { enforceHttps, sessions } from 'custos/koa';
 *
 * app.use(enforceHttps({ host: 'bank.example', trustedProxies: ['loopback'] }));
 * app.use(sessions(manager));
 * ```
 */
export function enforceHttps(options: EnforceHttpsOptions & AdapterOptionsFor<Context>): Middleware {
  const resolved = resolveHttpsOptions(options);
  const trusted = startupTrust(options.trustedProxies);
  return async function custosEnforceHttps(ctx: Context, next: Next): Promise<void> {
    const decision = httpsDecision(
      toRequestLike(ctx.req, trusted ?? koaTrust(ctx.app), options.remoteAddress?.(ctx)),
      resolved,
    );
    if (decision.action === 'redirect')
      return respondWithFailure(ctx, httpsRedirect(decision.status, decision.location));
    if (decision.action === 'refuse') return respondWithFailure(ctx, httpsRefusal());
    const headers = Object.fromEntries(decision.headers);
    ctx.set(headers);
    try {
      await next();
    } catch (error) {
      // Koa's error response drops the headers set so far but applies `error.headers`.
      if (typeof error === 'object' && error !== null) {
        const target = error as { headers?: Record<string, string> };
        target.headers = { ...target.headers, ...headers };
      }
      throw error;
    }
  };
}

/**
 * Koa middleware for JSON endpoints (CSRF-08): form, multipart and text bodies get 415.
 *
 * @example
 * ```ts
 * import bodyParser from 'koa-bodyparser';
 * import { jsonOnly } from 'custos/koa';
 *
 * router.post('/api/transfer', jsonOnly(), bodyParser(), transferHandler);
 * ```
 */
export function jsonOnly(options: RequireJsonOptions = {}): Middleware {
  return async function custosJsonOnly(ctx: Context, next: Next): Promise<void> {
    const verdict = requireJson(bareRequestLike(ctx.req), options);
    if (verdict.ok) return next();
    respondWithFailure(ctx, failureAnswer(verdict.status));
  };
}
