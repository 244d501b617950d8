import type { IncomingMessage, ServerResponse } from 'node:http';
import { startupTrust, toRequestLike } from '../adapters/node-shared.js';
import { type HttpsOptions, httpsDecision, resolveHttpsOptions } from './https.js';
import type { TrustedProxies } from './proxy.js';

export interface EnforceHttpsOptions extends HttpsOptions {
  /**
   * Peers whose `X-Forwarded-Proto` is believed (checklist TLS-06): addresses, CIDR ranges or
   * `'loopback'` / `'linklocal'` / `'uniquelocal'`. Unset: Express's `trust proxy` under
   * Express, Koa's `app.proxy` under Koa, nobody elsewhere.
   */
  trustedProxies?: TrustedProxies;
}

/**
 * Connect-style middleware for Express and plain `node:http`: mount it first. Plain-HTTP GET/HEAD
 * → 308 to `https://<host><path>`, other plain-HTTP methods → 403 (the handler never runs), and
 * HSTS on every HTTPS response, error responses included.
 *
 * @example
 * app.use(enforceHttps({ host: 'bank.example', trustedProxies: ['loopback'] }));
 */
export function enforceHttps(options: EnforceHttpsOptions) {
  const resolved = resolveHttpsOptions(options);
  const trusted = startupTrust(options.trustedProxies);
  return function custosEnforceHttps(req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void): void {
    const decision = httpsDecision(toRequestLike(req, trusted), resolved);
    if (decision.action === 'continue') {
      for (const [name, value] of decision.headers) res.setHeader(name, value);
      next();
      return;
    }
    res.statusCode = decision.status;
    res.setHeader('cache-control', 'no-store');
    if (decision.action === 'redirect') {
      res.setHeader('location', decision.location);
      res.end();
      return;
    }
    res.setHeader('content-type', 'text/plain; charset=utf-8');
    res.end('HTTPS required');
  };
}
