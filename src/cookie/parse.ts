/** What the request said about one cookie name. */
export interface CookieLookup {
  /** The single value, or `null` when the cookie is absent or sent more than once. */
  readonly value: string | null;
  /** How many times the name appeared: above 1 is an injection sign (checklist TOK-04, D7). */
  readonly count: number;
}

/** Cookie headers longer than this are not parsed at all; browsers never send more than ~8 KB per cookie. */
export const MAX_COOKIE_HEADER = 16 * 1024;

/** Counts the characters a parse examined, so tests can prove the work is linear in the header. */
export interface ParseMeter {
  steps: number;
}

const SEMICOLON = 0x3b;
const EQUALS = 0x3d;
const isSpace = (code: number) => code === 0x20 || code === 0x09;

/**
 * Finds one cookie by exact name without building a map of every cookie. A name that appears
 * twice yields no value: the first or last one is never silently chosen (checklist TOK-04).
 *
 * One pass over the header: each character is read once by the scan, and again at most once
 * by the name check or the value copy of its own pair. Searching for `=` from each pair's start
 * to the end of the header, as an `indexOf` loop does, is quadratic on a header of `;` without
 * `=` (OWASP: avoid algorithmic-complexity denial of service).
 *
 * @example
 * ```ts
 * import { readCookie } from 'custos/protect';
 *
 * const { value, count } = readCookie(req.headers.cookie, '__Host-sid');
 * if (count > 1) console.warn('the session cookie was sent twice: treated as absent');
 * ```
 */
export function readCookie(
  header: string | string[] | undefined | null,
  name: string,
  meter?: ParseMeter,
): CookieLookup {
  if (header == null) return { value: null, count: 0 };
  const text = Array.isArray(header) ? header.join('; ') : header;
  if (typeof text !== 'string' || text.length === 0) return { value: null, count: 0 };
  if (text.length > MAX_COOKIE_HEADER) return { value: null, count: 0 };
  let found: string | null = null;
  let count = 0;
  let steps = 0;
  let start = 0;
  let eq = -1;
  for (let i = 0; i <= text.length; i++) {
    steps++;
    const code = i < text.length ? text.charCodeAt(i) : SEMICOLON;
    if (code === EQUALS) {
      if (eq < 0) eq = i;
      continue;
    }
    if (code !== SEMICOLON) continue;
    if (eq > start) {
      // The name, without the optional whitespace around it (RFC 6265 §5.2).
      let from = start;
      let to = eq;
      while (from < to && isSpace(text.charCodeAt(from))) from++;
      while (to > from && isSpace(text.charCodeAt(to - 1))) to--;
      steps += eq - start;
      if (to - from === name.length && text.startsWith(name, from)) {
        count++;
        let raw = text.slice(eq + 1, i).trim();
        steps += i - eq;
        if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) raw = raw.slice(1, -1);
        found = raw;
      }
    }
    start = i + 1;
    eq = -1;
  }
  if (meter) meter.steps += steps;
  return { value: count === 1 ? found : null, count };
}
