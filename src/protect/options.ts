import { CustosError } from '../errors.js';
import type { RequestLike } from '../vocabulary/request.js';
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
  /**
   * What to do when a session's user agent or IP prefix differs from the one stored when it was
   * created (cookie theft signal, checklist OPT-1 / CS Cookie Theft Mitigation). `'event'`
   * emits `hijack-suspected`; `'reauth'` also marks the login as pending until
   * `reauthenticate()`; `'destroy'` also ends the session. @default 'event'
   */
  hijack?: HijackPolicy | HijackOptions;
  /** Counting of unknown or forged session ids per client address (checklist BF-07). */
  guessing?: GuessingOptions | false;
}

export type HijackPolicy = 'off' | 'event' | 'reauth' | 'destroy';

export interface HijackOptions {
  policy: HijackPolicy;
  /** Compare the user agent. @default true */
  userAgent?: boolean;
  /** IPv4 prefix length compared; 0 turns the IP check off. @default 24 */
  ipv4Prefix?: number;
  /** IPv6 prefix length compared; 0 turns the IP check off. @default 48 */
  ipv6Prefix?: number;
}

export interface GuessingOptions {
  /** Unknown/forged ids from one address within `window` before `guessing-suspected`. @default 20 */
  threshold?: number;
  /** Counting window in ms. @default 600_000 (10 min) */
  window?: number;
  /** Addresses tracked at once; the oldest is forgotten past it (bounded memory). @default 10_000 */
  maxClients?: number;
}

export interface ResolvedProtectOptions {
  readonly origins: readonly string[];
  readonly trustSameSite: boolean;
  readonly allowMissingOrigin: boolean;
  readonly reportOnly: boolean;
  readonly exempt: ((request: RequestLike) => boolean) | undefined;
  readonly field: string;
  readonly header: string;
  readonly hijack: Required<HijackOptions>;
  readonly guessing: Required<GuessingOptions> | false;
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
    hijack: resolveHijack(options.hijack),
    guessing: resolveGuessing(options.guessing),
  };
}

const POLICIES: readonly HijackPolicy[] = ['off', 'event', 'reauth', 'destroy'];

function resolveHijack(raw: HijackPolicy | HijackOptions | undefined): Required<HijackOptions> {
  const given = typeof raw === 'string' || raw === undefined ? { policy: raw ?? 'event' } : raw;
  if (!POLICIES.includes(given.policy)) {
    throw new CustosError('INVALID_OPTION', "protect.hijack must be 'off', 'event', 'reauth' or 'destroy'.");
  }
  const prefix = (value: number | undefined, fallback: number, max: number, name: string) => {
    const n = value ?? fallback;
    if (!Number.isInteger(n) || n < 0 || n > max)
      throw new CustosError('INVALID_OPTION', `protect.hijack.${name} must be a whole number from 0 to ${max}.`);
    return n;
  };
  return {
    policy: given.policy,
    userAgent: given.userAgent ?? true,
    ipv4Prefix: prefix(given.ipv4Prefix, 24, 32, 'ipv4Prefix'),
    ipv6Prefix: prefix(given.ipv6Prefix, 48, 128, 'ipv6Prefix'),
  };
}

function resolveGuessing(raw: GuessingOptions | false | undefined): Required<GuessingOptions> | false {
  if (raw === false) return false;
  const out = {
    threshold: raw?.threshold ?? 20,
    window: raw?.window ?? 600_000,
    maxClients: raw?.maxClients ?? 10_000,
  };
  for (const [name, value] of Object.entries(out)) {
    if (!Number.isInteger(value) || value < 1)
      throw new CustosError('INVALID_OPTION', `protect.guessing.${name} must be a whole number of at least 1.`);
  }
  return out;
}
