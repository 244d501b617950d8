import { headerValue, type RequestLike } from '../vocabulary/request.js';

export type OriginVerdict = { ok: true } | { ok: false; reason: string };

/** The serialized origin (scheme://host[:port]) of a URL, or null. */
export function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.origin === 'null' ? null : parsed.origin;
  } catch {
    return null;
  }
}

/**
 * Fetch Metadata first, then exact Origin, then Referer (checklist CSRF-05, CSRF-06). Allowed
 * origins come from configuration only, never from Host or X-Forwarded-Host (CSRF-07).
 */
export function checkRequestOrigin(
  request: RequestLike,
  options: { origins: readonly string[]; trustSameSite: boolean; allowMissingOrigin: boolean },
): OriginVerdict {
  const site = headerValue(request.headers, 'sec-fetch-site')?.toLowerCase();
  if (site === 'cross-site') return { ok: false, reason: 'cross-site' };
  if (site === 'same-site' && !options.trustSameSite) return { ok: false, reason: 'same-site' };
  if (site === 'same-origin' || site === 'none' || (site === 'same-site' && options.trustSameSite)) {
    // Browsers set Sec-Fetch-Site themselves; an Origin, if present, must still match.
    const origin = headerValue(request.headers, 'origin');
    if (origin !== undefined && options.origins.length > 0 && !options.origins.includes(origin)) {
      return { ok: false, reason: 'origin-mismatch' };
    }
    return { ok: true };
  }
  const origin = headerValue(request.headers, 'origin');
  if (origin !== undefined) {
    return options.origins.includes(origin) ? { ok: true } : { ok: false, reason: 'origin-mismatch' };
  }
  const referer = headerValue(request.headers, 'referer');
  if (referer !== undefined) {
    const refererOrigin = originOf(referer);
    return refererOrigin !== null && options.origins.includes(refererOrigin)
      ? { ok: true }
      : { ok: false, reason: 'referer-mismatch' };
  }
  return options.allowMissingOrigin ? { ok: true } : { ok: false, reason: 'no-origin' };
}
