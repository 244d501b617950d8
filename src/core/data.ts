/**
 * The shape of session data. Declare yours once and every `get`/`set` is typed:
 *
 * @example
 * declare module 'custos' {
 *   interface SessionData { cart: string[]; theme: 'light' | 'dark' }
 * }
 */
// biome-ignore lint/suspicious/noEmptyInterface: extended by users through declaration merging
export interface SessionData {}

/** Keys users may not set: internal fields start with `$`. */
export function assertDataKey(key: string): void {
  // `__proto__` is refused so that no code path (ours or a store's) can turn a key into a prototype write.
  if (typeof key !== 'string' || key.length === 0 || key.length > 200 || key.startsWith('$') || key === '__proto__') {
    throw new TypeError(
      'session keys must be non-empty strings of at most 200 characters that do not start with "$" (and not "__proto__")',
    );
  }
}

/** JSON encoding of a value; `undefined` is not storable (use `delete`). */
export function encodeValue(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError('session values must be JSON-serialisable; use delete() to remove a key');
  return json;
}
