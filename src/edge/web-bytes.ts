import { isCanonicalBase64url } from '../crypto/base64url.js';

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 bytes of a string, as `Buffer.from(text, 'utf8')` gives on Node. */
export const utf8Bytes = (text: string): Uint8Array<ArrayBuffer> => utf8.encode(text);

/** The string of UTF-8 bytes, or null when they are not valid UTF-8. */
export function utf8Text(bytes: Uint8Array): string | null {
  try {
    return fromUtf8.decode(bytes);
  } catch {
    return null;
  }
}

/**
 * The bytes of a canonical unpadded base64url text (RFC 4648 §5), or null for any other
 * spelling: the same rule as the Node decoder, so a value one side refuses the other refuses too.
 */
export function decodeBase64urlBytes(text: string): Uint8Array<ArrayBuffer> | null {
  if (!isCanonicalBase64url(text)) return null;
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
