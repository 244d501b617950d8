export type { EnforceHttpsOptions } from '../protect/https.js';

import type { IncomingMessage, ServerResponse } from 'node:http';
import { type RequireJsonOptions, requireJson } from '../protect/content-type.js';
import { type EnforceHttpsOptions, httpsDecision, resolveHttpsOptions } from '../protect/https.js';
import type { AdapterOptionsFor } from './adapter-options.js';
import { failureAnswer, httpsRedirect, httpsRefusal } from './error-body.js';
import { bareRequestLike, sendFailure, startupTrust, toRequestLike } from './node-shared.js';

/**
 * Connect-style middleware for Express and plain `node:http`: mount it first. Plain-HTTP GET/HEAD
 * → 308 to `https://<host><path>`, other plain-HTTP methods → 403 (the handler never runs), and
 * HSTS on every HTTPS response, error responses included.
 *
 * @example
 * app.use(enforceHttps({ host: 'bank.example', trustedProxies: ['loopback'] }));
 */
export function enforceHttps(options: EnforceHttpsOptions & AdapterOptionsFor<IncomingMessage>) {
  const resolved = resolveHttpsOptions(options);
  const trusted = startupTrust(options.trustedProxies);
  return function custosEnforceHttps(req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void): void {
    const decision = httpsDecision(toRequestLike(req, trusted, options.remoteAddress?.(req)), resolved);
    if (decision.action === 'continue') {
      for (const [name, value] of decision.headers) res.setHeader(name, value);
      next();
      return;
    }
    sendFailure(
      res,
      decision.action === 'redirect' ? httpsRedirect(decision.status, decision.location) : httpsRefusal(),
    );
  };
}

/**
 * Connect-style middleware for JSON endpoints (checklist CSRF-08): `text/plain`, form and
 * multipart bodies get 415 before the body parser or the handler sees them.
 *
 * @example
 * app.post('/api/transfer', jsonOnly(), express.json(), handler);
 */
export function jsonOnly(options: RequireJsonOptions = {}) {
  return function custosJsonOnly(req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void): void {
    const verdict = requireJson(bareRequestLike(req), options);
    if (verdict.ok) {
      next();
      return;
    }
    sendFailure(res, failureAnswer(verdict.status));
  };
}
