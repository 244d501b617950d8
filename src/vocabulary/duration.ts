import { CustosError } from '../errors.js';

export type Duration = number | `${number}${'ms' | 's' | 'm' | 'h' | 'd'}` | string;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Milliseconds of a duration: `'30m'`, `'12h'`, `'2s'`, `'7d'`, `'250ms'` or a number of milliseconds.
 * Throws `INVALID_DURATION` (naming `optionName`) for anything else.
 *
 * @example
 * ```ts
 * import { parseDuration } from 'custos';
 *
 * parseDuration('30m', 'idleTimeout'); // 1_800_000
 * parseDuration(process.env.SESSION_TTL ?? '12h', 'SESSION_TTL');
 * ```
 */
export function parseDuration(value: Duration, optionName: string): number {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value > 0) return value;
  } else if (typeof value === 'string') {
    const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(value);
    if (match) {
      const ms = Number(match[1]) * (UNIT_MS[match[2] ?? 'ms'] as number);
      if (ms > 0) return Math.round(ms);
    }
  }
  throw new CustosError(
    'INVALID_DURATION',
    `${optionName} must be a positive duration such as '30m', '12h', '2s' or a number of milliseconds; got ${describe(value)}.`,
  );
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
  return String(value);
}
