import { headerValue, type RequestLike, requestHost } from '../vocabulary/request.js';
import { warnOnce } from '../vocabulary/warn-once.js';
import { originOf } from './origin.js';

/**
 * Once-per-process warnings for refusals that a setting causes, not an attacker: a deployment
 * that answers a bare 403 and logs nothing cannot be fixed by the person who sees it. Each names
 * the setting to change; none carries a cookie, a token or session data.
 */

/** A session cookie was refused or not issued over plain HTTP (checklist TLS-03). */
export function warnHttpsRequired(): void {
  warnOnce(
    'custos-https-required',
    "A session cookie was refused over plain HTTP (event 'https-required'): custos never sets or accepts one without HTTPS, except on localhost. Serve the app over HTTPS (mount enforceHttps to redirect plain-HTTP visitors); behind a TLS-terminating proxy or PaaS router, set trustedProxies (or Express 'trust proxy', Fastify trustProxy, Koa app.proxy) so its X-Forwarded-Proto is believed; for development, open the app on http://localhost.",
  );
}

/**
 * An unsafe request was refused because its Origin (or Referer) is not in `protect.origins`,
 * although it names the very host the request was sent to: the browser calls that same-origin,
 * so the list is what is wrong (opened as 127.0.0.1 instead of localhost, another port, the
 * public name missing, or http:// versus https:// behind a proxy that is not trusted).
 */
export function warnOriginNotConfigured(request: RequestLike, origins: readonly string[]): void {
  const claimed = headerValue(request.headers, 'origin') ?? headerValue(request.headers, 'referer');
  const origin = claimed === undefined ? null : originOf(claimed);
  const host = requestHost(request);
  if (origin === null || host === undefined || new URL(origin).host !== host.toLowerCase()) return;
  const listed = origins.length === 0 ? 'protect.origins is empty' : `protect.origins lists ${origins.join(', ')}`;
  warnOnce(
    'custos-origin-not-configured',
    `An unsafe request from ${origin}, sent to that same host, was refused as cross-origin: ${listed}. If ${origin} is an address of this app, add it to protect.origins (one entry per scheme, host and port it is opened on); if the app sits behind a TLS proxy and the origin is https://, make sure the proxy is trusted (trustedProxies).`,
  );
}
