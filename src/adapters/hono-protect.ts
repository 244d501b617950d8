import type { MiddlewareHandler } from 'hono';
import { type RequireJsonOptions, requireJson } from '../protect/content-type.js';
import { type HttpsOptions, httpsDecision, resolveHttpsOptions } from '../protect/https.js';
import { toTrustPredicate } from '../protect/proxy-trust.js';
import { failureAnswer, httpsRedirect, httpsRefusal } from './error-body.js';
import { failureBody } from './hono-failure.js';
import { type AdapterOptions, toRequestLike } from './hono-request.js';

/**
 * Hono middleware, mount it first: plain-HTTP GET/HEAD → 308 to `https://<host>`, other
 * plain-HTTP methods → 403, HSTS on every HTTPS response (TLS-01..06).
 *
 * @example
 * ```ts
 * import { enforceHttps, sessions } from 'custos/hono';
 *
 * app.use(enforceHttps({ host: 'bank.example', trustedProxies: ['loopback'] }));
 * app.use(sessions(manager));
 * ```
 */
export function enforceHttps(options: HttpsOptions & AdapterOptions): MiddlewareHandler {
  const resolved = resolveHttpsOptions(options);
  toTrustPredicate(options.trustedProxies);
  return async function custosEnforceHttps(c, next) {
    const decision = httpsDecision(toRequestLike(c, options), resolved);
    if (decision.action === 'redirect') return failureBody(c, httpsRedirect(decision.status, decision.location));
    if (decision.action === 'refuse') return failureBody(c, httpsRefusal());
    await next();
    for (const [name, value] of decision.headers) c.header(name, value);
  };
}

/**
 * Hono middleware for JSON endpoints (CSRF-08): form, multipart and text bodies get 415.
 *
 * @example
 * ```ts
 * import { jsonOnly } from 'custos/hono';
 *
 * app.use('/api/*', jsonOnly({ requireHeader: 'x-requested-with' }));
 * ```
 */
export function jsonOnly(options: RequireJsonOptions = {}): MiddlewareHandler {
  return async function custosJsonOnly(c, next) {
    const verdict = requireJson(
      { method: c.req.method, url: c.req.url, headers: c.req.raw.headers, secure: false },
      options,
    );
    if (!verdict.ok) return failureBody(c, failureAnswer(verdict.status));
    await next();
  };
}
