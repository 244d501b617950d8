import { warnOnce } from '../vocabulary/warn-once.js';

/**
 * Why a request that says `X-Forwarded-Proto: https` still counts as plain HTTP. Either is how
 * a deployment behind a TLS-terminating proxy ends in `https-required` refusals, so each is
 * printed once per process with the setting to change (the request path never throws for it).
 */
export type IgnoredForwarding = 'untrusted-peer' | 'client-supplied';

const MESSAGES: Record<IgnoredForwarding, string> = {
  'untrusted-peer':
    "X-Forwarded-Proto: https came from a peer that is not a trusted proxy and was ignored, so the request counts as plain HTTP (no session cookie is set or accepted; enforceHttps redirects or refuses). Behind a TLS-terminating proxy or PaaS router (Heroku, Render, Fly, a load balancer, a k8s ingress), list its address or range in trustedProxies, e.g. ['uniquelocal'] or ['10.0.0.0/8'], or set your framework's own setting (Express 'trust proxy', Fastify trustProxy, Koa app.proxy). Without a proxy in front, there is nothing to change.",
  'client-supplied':
    "X-Forwarded-Proto said https only in a value your trusted proxy did not write (the value it appended says http), so the request counts as plain HTTP. If several proxies stand in front of the app, trust every one of them (trustedProxies ranges, or Express 'trust proxy' set to the number of hops); if there is one, a client claimed HTTPS and was correctly refused.",
};

export function noteIgnoredForwarding(proto: string | undefined, why: IgnoredForwarding): void {
  if (proto === undefined || !proto.toLowerCase().includes('https')) return;
  warnOnce(`custos-forwarded-proto-${why}`, MESSAGES[why]);
}
