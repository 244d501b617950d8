import type { RequestLike } from '../core/request.js';
import { CustosError } from '../errors.js';
import { originOf } from './origin.js';

export interface ProtectOptions {
  /**
   * The app's own origins, e.g. `['https://bank.example']`. Unsafe requests whose `Origin`
   * (or `Referer`) is not listed are refused. Taken from configuration only (checklist CSRF-07).
   */
  origins?: readonly string[];
  /** Accept `Sec-Fetch-Site: same-site` (sibling subdomains you control). @default false */
  trustSameSite?: boolean;
  /** Accept unsafe requests with neither Origin nor Referer (non-browser clients). @default false */
  allowMissingOrigin?: boolean;
  /** Log (emit `csrf-rejected` with reason `report-only`) instead of blocking. @default false */
  reportOnly?: boolean;
  /** Routes that skip CSRF checks, e.g. webhooks authenticated another way. */
  exempt?: (request: RequestLike) => boolean;
  /** Form field carrying the token. @default '_csrf' */
  field?: string;
  /** Header carrying the token. @default 'x-csrf-token' */
  header?: string;
}

export interface ResolvedProtectOptions {
  readonly origins: readonly string[];
  readonly trustSameSite: boolean;
  readonly allowMissingOrigin: boolean;
  readonly reportOnly: boolean;
  readonly exempt: ((request: RequestLike) => boolean) | undefined;
  readonly field: string;
  readonly header: string;
}

export function resolveProtectOptions(options: ProtectOptions = {}): ResolvedProtectOptions {
  const origins = (options.origins ?? []).map((origin) => {
    const normalised = originOf(origin);
    if (normalised === null || normalised !== origin.replace(/\/$/, '')) {
      throw new CustosError(
        'INVALID_OPTION',
        `protect.origins entries must be bare origins like 'https://app.example' (scheme, host, optional port, no path); got ${JSON.stringify(origin)}.`,
      );
    }
    return normalised;
  });
  return {
    origins,
    trustSameSite: options.trustSameSite ?? false,
    allowMissingOrigin: options.allowMissingOrigin ?? false,
    reportOnly: options.reportOnly ?? false,
    exempt: options.exempt,
    field: options.field ?? '_csrf',
    header: (options.header ?? 'x-csrf-token').toLowerCase(),
  };
}
