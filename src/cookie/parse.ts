/** What the request said about one cookie name. */
export interface CookieLookup {
  /** The single value, or `null` when the cookie is absent or sent more than once. */
  readonly value: string | null;
  /** How many times the name appeared: above 1 is an injection sign (checklist TOK-04, D7). */
  readonly count: number;
}

/** Cookie headers longer than this are not parsed at all; browsers never send more than ~8 KB per cookie. */
export const MAX_COOKIE_HEADER = 16 * 1024;

/**
 * Finds one cookie by exact name without building a map of every cookie. A name that appears
 * twice yields no value: the first or last one is never silently chosen (checklist TOK-04).
 */
export function readCookie(header: string | string[] | undefined | null, name: string): CookieLookup {
  if (header == null) return { value: null, count: 0 };
  const text = Array.isArray(header) ? header.join('; ') : header;
  if (typeof text !== 'string' || text.length === 0) return { value: null, count: 0 };
  if (text.length > MAX_COOKIE_HEADER) return { value: null, count: 0 };
  let found: string | null = null;
  let count = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf(';', start);
    if (end < 0) end = text.length;
    const eq = text.indexOf('=', start);
    if (eq > start && eq < end && text.slice(start, eq).trim() === name) {
      count++;
      let raw = text.slice(eq + 1, end).trim();
      if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) raw = raw.slice(1, -1);
      found = raw;
    }
    start = end + 1;
  }
  return { value: count === 1 ? found : null, count };
}
