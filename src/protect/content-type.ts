import { headerValue, type RequestLike } from '../vocabulary/request.js';

export type ContentTypeVerdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly status: 415 | 403; readonly reason: string };

export interface RequireJsonOptions {
  /**
   * Also demand this non-safelisted header (e.g. `'x-requested-with'` or `'x-csrf-token'`):
   * browsers cannot send it cross-site without a CORS preflight (checklist CSRF-08 "API mode").
   */
  requireHeader?: string;
}

const BODYLESS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** `application/json` or any `application/*+json`, parameters ignored. */
export function isJsonMediaType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type);
}

/**
 * JSON endpoints refuse `text/plain`, form and multipart bodies with 415 (checklist CSRF-08):
 * those are the "simple" types a hostile page can POST cross-site without a preflight.
 *
 * @example
 * ```ts
 * import { requireJson } from 'custos/protect';
 *
 * const verdict = requireJson(request, { requireHeader: 'x-requested-with' });
 * if (!verdict.ok) return new Response(null, { status: verdict.status }); // 415, or 403 without the header
 * ```
 */
export function requireJson(request: RequestLike, options: RequireJsonOptions = {}): ContentTypeVerdict {
  if (BODYLESS.has(request.method.toUpperCase())) return { ok: true };
  if (!isJsonMediaType(headerValue(request.headers, 'content-type'))) {
    return { ok: false, status: 415, reason: 'not-json' };
  }
  if (options.requireHeader && headerValue(request.headers, options.requireHeader.toLowerCase()) === undefined) {
    return { ok: false, status: 403, reason: 'missing-api-header' };
  }
  return { ok: true };
}
