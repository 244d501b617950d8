import { createHmac, randomBytes } from 'node:crypto';
import { safeEqual } from '../crypto/compare.js';
import type { Keyring } from '../crypto/keyring.js';
import { randomToken } from '../crypto/random.js';

/**
 * Signed double-submit tokens for forms shown before any session exists, e.g. the login form
 * (checklist FIX-04, CSRF-04). A `__Host-csrf` cookie holds a random per-visitor value; the form
 * carries `hex(HMAC(csrfKey, len(v)!v!len(r)!r)).hex(r)` (OWASP "Signed Double-Submit Cookie").
 * The server recomputes the HMAC from the cookie it received, so an attacker who can plant
 * matching random values in a cookie and a field (the naive pattern) still fails: they cannot
 * compute the HMAC without the server's key.
 */
const VISITOR_BYTES = 32;
const RAND_BYTES = 16;
const VISITOR_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const TOKEN_PATTERN = /^[0-9a-f]{64}\.[0-9a-f]{32}$/;

/** A fresh per-visitor value for the `__Host-csrf` cookie. */
export function mintVisitor(): string {
  return randomToken(VISITOR_BYTES);
}

export function isVisitor(value: string | null | undefined): value is string {
  return typeof value === 'string' && VISITOR_PATTERN.test(value);
}

function sign(key: Buffer, visitor: string, randHex: string): string {
  const message = `${visitor.length}!${visitor}!${randHex.length}!${randHex}`;
  return createHmac('sha256', key).update(message).digest('hex');
}

/** A token bound to `visitor`; a fresh random part each call, so page bytes differ (BREACH). */
export function signDoubleSubmit(keyring: Keyring, visitor: string): string {
  const randHex = randomBytes(RAND_BYTES).toString('hex');
  return `${sign(keyring.current('csrf').key, visitor, randHex)}.${randHex}`;
}

/** Recomputes the HMAC under every csrf key (rotation) and compares in constant time. */
export function verifyDoubleSubmit(keyring: Keyring, visitor: string | null, submitted: string | undefined): boolean {
  if (!isVisitor(visitor) || typeof submitted !== 'string' || !TOKEN_PATTERN.test(submitted)) return false;
  const dot = submitted.indexOf('.');
  const mac = submitted.slice(0, dot);
  const randHex = submitted.slice(dot + 1);
  let ok = false;
  for (const { key } of keyring.all('csrf')) {
    // No early exit: every key is tried so timing does not reveal which one matched.
    if (safeEqual(sign(key, visitor, randHex), mac)) ok = true;
  }
  return ok;
}
