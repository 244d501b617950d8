/**
 * The once-per-process console warning that goes with a `config-warning` event: a developer who
 * never subscribed to events still learns what to change. Each code is printed at most once per
 * process, so a warning raised on every request cannot flood a log. Messages name the fix and
 * never carry a token, a secret or session data.
 */
const printed = new Set<string>();

/** Prints `message` through `process.emitWarning` (type `CustosWarning`) the first time `code` is seen. */
export function warnOnce(code: string, message: string): void {
  if (printed.has(code)) return;
  printed.add(code);
  const emit = (globalThis as { process?: { emitWarning?: (m: string, o: object) => void } }).process?.emitWarning;
  if (typeof emit === 'function') emit.call(process, message, { type: 'CustosWarning', code });
  else console.warn(`CustosWarning [${code}]: ${message}`);
}

/** Whether `code` has been printed in this process (for tests that check a warning fired). */
export function hasWarned(code: string): boolean {
  return printed.has(code);
}
