/**
 * Attribute names and the rules for their values. Every value is a fixed string from a small
 * vocabulary — a store kind, an operation, an outcome, an event type, a reason — never a handle,
 * sidHash, user id, IP address, token or session data: telemetry backends are read by more
 * people than the session store, and keep data longer (OWASP Logging Cheat Sheet: "session
 * identification values" and "access tokens" are data to exclude). `error.type` is the name
 * OpenTelemetry's semantic conventions give the class of a failure; the rest live under `custos.`.
 */
export const STORE_KIND = 'custos.store.kind';
export const STORE_OPERATION = 'custos.store.operation';
export const STORE_OUTCOME = 'custos.store.outcome';
export const EVENT_TYPE = 'custos.event.type';
export const EVENT_REASON = 'custos.event.reason';
export const ERROR_TYPE = 'error.type';

/** A value from a fixed vocabulary, or `fallback`: anything else is folded so cardinality stays bounded. */
export const fixed = (value: unknown, fallback: string): string =>
  typeof value === 'string' && /^[a-z0-9-]{1,48}$/.test(value) ? value : fallback;

/**
 * The error's class for `error.type`: its code (`ECONNREFUSED`, `ER_LOCK_DEADLOCK`, a SQLSTATE
 * such as `57P01`) or its constructor's name (`TypeError`), else `_OTHER` as the semantic
 * conventions prescribe. Never the message: drivers put connection strings and key values there
 * (`Key (id)=(…) already exists`).
 */
export function errorType(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const { code, name } = error as { code?: unknown; name?: unknown };
    if (typeof code === 'string' && /^[A-Z0-9][A-Z0-9_]{1,47}$/.test(code)) return code;
    if (typeof name === 'string' && /^(?:[A-Z][A-Za-z0-9]{0,40})?Error$/.test(name)) return name;
  }
  return '_OTHER';
}
