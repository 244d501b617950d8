import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The session id inside an express-session cookie (`s:<id>.<signature>`, URL-encoded by the
 * `cookie` package), or null when the value is not one or no secret signed it.
 *
 * The signature is cookie-signature's: base64 HMAC-SHA-256 of `<id>` under the secret itself,
 * trailing `=` removed. As cookie-signature does, the whole `<id>.<signature>` text is compared
 * with the expected one in constant time (no early exit on the first differing byte), and every
 * secret is tried so the timing does not tell which one matched.
 */
export function unsignLegacyCookie(raw: string, secrets: readonly (string | Buffer)[]): string | null {
  const value = decode(raw);
  if (value === null || !value.startsWith('s:')) return null;
  const signed = value.slice(2);
  const dot = signed.lastIndexOf('.');
  if (dot <= 0) return null;
  const id = signed.slice(0, dot);
  const presented = Buffer.from(signed);
  let match = false;
  for (const secret of secrets) {
    const expected = Buffer.from(`${id}.${signature(id, secret)}`);
    if (expected.length === presented.length && timingSafeEqual(expected, presented)) match = true;
  }
  return match ? id : null;
}

/** Whether a cookie value has express-session's shape at all (so it is never handed to custos's parser). */
export function looksLikeLegacyCookie(raw: string): boolean {
  return raw.startsWith('s:') || raw.startsWith('s%3A') || raw.startsWith('s%3a');
}

/** An express-session cookie value for `id` (`s:<id>.<signature>`, before URL-encoding), as express-session signs it: with the first secret. */
export function signLegacyCookie(id: string, secret: string | Buffer): string {
  return `s:${id}.${signature(id, secret)}`;
}

/** cookie-signature's `sign` without the value prefix (used by tests to write real legacy cookies too). */
export function signature(id: string, secret: string | Buffer): string {
  return createHmac('sha256', secret).update(id).digest('base64').replace(/=+$/, '');
}

function decode(raw: string): string | null {
  if (!raw.includes('%')) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}
