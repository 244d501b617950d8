import { CustosError } from '../errors.js';
import { type EventListener, safeEmit } from '../vocabulary/events.js';
import type { RequestLike } from '../vocabulary/request.js';
import type { TrustedProxies } from './proxy.js';

/**
 * The shortest HSTS `max-age` (seconds) accepted without `rollout`. One year: ASVS 5.0 3.4.1 and the checklist's decision D8.
 *
 * @example
 * ```ts
 * import { MIN_HSTS_MAX_AGE, resolveHttpsOptions } from 'custos/protect';
 *
 * const https = resolveHttpsOptions({ host: 'bank.example', hsts: { maxAge: 2 * MIN_HSTS_MAX_AGE } });
 * ```
 */
export const MIN_HSTS_MAX_AGE = 31_536_000;

export interface HstsOptions {
  /** Seconds. Below one year is refused unless `rollout` is set. @default 31536000 */
  maxAge?: number;
  /** @default true */
  includeSubDomains?: boolean;
  /** Ask to be on browsers' preload lists; hard to undo, so opt-in only. @default false */
  preload?: boolean;
  /** Allow a `maxAge` under a year while rolling HSTS out (CS-HSTS suggests 86400 first); warns. @default false */
  rollout?: boolean;
}

export interface HttpsOptions {
  /**
   * The site's public host, with a port if not 443, e.g. `'bank.example'`. Plain-HTTP visitors
   * are redirected here, never to the request's `Host`, so the redirect cannot be aimed elsewhere
   * (checklist TLS-01).
   */
  host: string;
  /** `Strict-Transport-Security` on every HTTPS response; `false` sends none. @default {} (one year, includeSubDomains) */
  hsts?: HstsOptions | false;
  /** Receives a `config-warning` for a rollout-length HSTS max-age. */
  onEvent?: EventListener;
}

export interface ResolvedHttpsOptions {
  readonly host: string;
  /** The header value, or null when HSTS is off. */
  readonly hsts: string | null;
}

export type HttpsDecision =
  | { readonly action: 'continue'; readonly headers: ReadonlyArray<[string, string]> }
  | { readonly action: 'redirect'; readonly status: 308; readonly location: string }
  | { readonly action: 'refuse'; readonly status: 403 };

const invalid = (message: string) => new CustosError('INVALID_OPTION', message);
const HOST_PATTERN = /^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * Checks the HTTPS settings once, at startup (`INVALID_OPTION` for a bad host or HSTS max-age).
 *
 * @example
 * ```ts
 * import { resolveHttpsOptions } from 'custos/protect';
 *
 * const https = resolveHttpsOptions({ host: 'bank.example' }); // https.hsts: 'max-age=31536000; includeSubDomains'
 * ```
 */
export function resolveHttpsOptions(options: HttpsOptions): ResolvedHttpsOptions {
  if (typeof options?.host !== 'string' || !HOST_PATTERN.test(options.host)) {
    throw invalid("https.host must be the site's public host name, e.g. 'bank.example' (no scheme, no path).");
  }
  return { host: options.host.toLowerCase(), hsts: hstsHeader(options.hsts ?? {}, options.onEvent) };
}

function hstsHeader(hsts: HstsOptions | false, onEvent: EventListener | undefined): string | null {
  if (hsts === false) return null;
  const maxAge = hsts.maxAge ?? MIN_HSTS_MAX_AGE;
  if (!Number.isInteger(maxAge) || maxAge < 0) throw invalid('hsts.maxAge must be a whole number of seconds.');
  if (maxAge < MIN_HSTS_MAX_AGE) {
    if (!hsts.rollout) {
      throw invalid(
        `hsts.maxAge ${maxAge} is under one year (${MIN_HSTS_MAX_AGE} s, ASVS 5.0 3.4.1); raise it, or set hsts.rollout: true while rolling out.`,
      );
    }
    safeEmit(onEvent, { type: 'config-warning', at: Date.now(), reason: 'hsts-max-age-under-one-year' });
  }
  const includeSubDomains = hsts.includeSubDomains ?? true;
  if (hsts.preload && (!includeSubDomains || maxAge < MIN_HSTS_MAX_AGE)) {
    throw invalid('hsts.preload needs includeSubDomains and a maxAge of at least one year (preload list rules).');
  }
  return `max-age=${maxAge}${includeSubDomains ? '; includeSubDomains' : ''}${hsts.preload ? '; preload' : ''}`;
}

/** Path and query of the request, always starting with a single '/'. */
function pathAndQuery(url: string): string {
  let path = url;
  if (/^[a-z][a-z0-9+.-]*:/i.test(url)) {
    try {
      const parsed = new URL(url);
      path = parsed.pathname + parsed.search;
    } catch {
      path = '/';
    }
  }
  return path.startsWith('/') ? path : `/${path}`;
}

/**
 * What to do with a request (checklist TLS-01..05): over HTTPS continue and add HSTS; over plain
 * HTTP, GET/HEAD get a permanent 308 to the configured host, anything else a 403 without running
 * the handler (a redirected POST would already have leaked its body). Never HSTS over HTTP
 * (RFC 6797 §7.2). `request.secure` must come from the socket or a trusted proxy (TLS-06).
 *
 * @example
 * ```ts
 * import { httpsDecision, resolveHttpsOptions } from 'custos/protect';
 *
 * const https = resolveHttpsOptions({ host: 'bank.example' }); // once, at startup
 * const decision = httpsDecision(request, https);
 * if (decision.action === 'redirect') return Response.redirect(decision.location, decision.status);
 * if (decision.action === 'refuse') return new Response('HTTPS required', { status: decision.status });
 * ```
 */
export function httpsDecision(request: RequestLike, options: ResolvedHttpsOptions): HttpsDecision {
  if (request.secure)
    return { action: 'continue', headers: options.hsts ? [['strict-transport-security', options.hsts]] : [] };
  const method = request.method.toUpperCase();
  if (method === 'GET' || method === 'HEAD') {
    return { action: 'redirect', status: 308, location: `https://${options.host}${pathAndQuery(request.url)}` };
  }
  return { action: 'refuse', status: 403 };
}

/** What every adapter's `enforceHttps` takes: the HTTPS policy plus whose forwarded scheme to believe. */
export interface EnforceHttpsOptions extends HttpsOptions {
  /**
   * Peers whose `X-Forwarded-Proto` is believed (checklist TLS-06): addresses, CIDR ranges or
   * `'loopback'` / `'linklocal'` / `'uniquelocal'`. Unset: Express's `trust proxy` under
   * Express, Koa's `app.proxy` under Koa, nobody elsewhere.
   */
  trustedProxies?: TrustedProxies;
}
