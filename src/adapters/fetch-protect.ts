import { type RequireJsonOptions, requireJson } from '../protect/content-type.js';
import { type HttpsOptions, httpsDecision, resolveHttpsOptions } from '../protect/https.js';
import { toTrustPredicate } from '../protect/proxy-trust.js';
import { failureAnswer, failureResponse, httpsRedirect, httpsRefusal } from './error-body.js';
import { type AdapterOptions, requestLikeOf } from './fetch-request.js';

type Handler<A extends unknown[]> = (request: Request, ...rest: A) => Response | Promise<Response>;

/**
 * Wraps a Fetch handler, outermost: plain-HTTP GET/HEAD → 308 to `https://<host>`, other
 * plain-HTTP methods → 403 (the handler never runs), HSTS on every HTTPS response (TLS-01..06).
 * "Plain HTTP" is the request URL's scheme, or a trusted proxy's `X-Forwarded-Proto`.
 *
 * @example
 * export default { fetch: enforceHttps(sessions(manager, route), { host: 'bank.example' }) };
 */
export function enforceHttps<A extends unknown[] = []>(
  handler: Handler<A>,
  options: HttpsOptions & AdapterOptions<A>,
): (request: Request, ...rest: A) => Promise<Response> {
  const resolved = resolveHttpsOptions(options);
  toTrustPredicate(options.trustedProxies);
  return async function httpsHandler(request: Request, ...rest: A): Promise<Response> {
    const decision = httpsDecision(requestLikeOf(request, rest, options), resolved);
    if (decision.action === 'redirect') return failureResponse(httpsRedirect(decision.status, decision.location));
    if (decision.action === 'refuse') return failureResponse(httpsRefusal());
    const response = await handler(request, ...rest);
    if (decision.headers.length === 0) return response;
    const out = new Response(response.body, response);
    for (const [name, value] of decision.headers) out.headers.set(name, value);
    return out;
  };
}

/**
 * Wraps a Fetch handler for JSON endpoints (checklist CSRF-08): `text/plain`, form and multipart
 * bodies get 415 before the handler reads them.
 *
 * @example
 * export const POST = jsonOnly(sessions(manager, async (request, session) => Response.json(await request.json())));
 */
export function jsonOnly<A extends unknown[] = []>(
  handler: Handler<A>,
  options: RequireJsonOptions = {},
): (request: Request, ...rest: A) => Promise<Response> {
  return async function jsonHandler(request: Request, ...rest: A): Promise<Response> {
    const verdict = requireJson(
      { method: request.method, url: request.url, headers: request.headers, secure: false },
      options,
    );
    if (!verdict.ok) return failureResponse(failureAnswer(verdict.status));
    return handler(request, ...rest);
  };
}
