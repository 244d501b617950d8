/**
 * How a record's sealed fields are named and bound, with no crypto in it: shared by the Node
 * codec (record.ts) and the WebCrypto reader (src/edge), which must agree byte for byte.
 */

/** Where a sealed field lives: moving ciphertext to another record or field makes it unopenable. */
export const fieldAad = (id: string, name: string) => `${id}\u0000${name}`;

/**
 * The one stored field that holds every internal `$` value (CSRF secret, recorded client,
 * authentication state). They are written together (at creation and at every id change), so one
 * AES-GCM operation seals them all: a new session costs 2 seals instead of 3 and a login 2 instead
 * of 4 (`createCipheriv` is the largest single cost of a first visit). Inside the session they
 * stay separate keys; only the stored form is packed.
 */
export const SYSTEM_FIELD = '$sys';
/** JSON.stringify escapes every control character, so U+0001 never occurs inside a JSON text. */
export const SYSTEM_SEPARATOR = '\u0001';

/** Whether a field name is one of custos' own (`$…`); user keys can never start with `$`. */
export const isInternal = (name: string) => name.charCodeAt(0) === 36; // '$'

/**
 * Sets the internal name → JSON pairs packed in an opened `$sys` into `target`; false (target
 * possibly half-filled, to be discarded) when it is not such a packing. Runs on every load, so it
 * builds no intermediate list.
 */
export function unpackSystemField(system: string, target: Map<string, string>): boolean {
  const parts = system.split(SYSTEM_SEPARATOR);
  if (parts.length % 2 !== 0) return false;
  for (let i = 0; i < parts.length; i += 2) target.set(parts[i] as string, parts[i + 1] as string);
  return true;
}

/** Sealed fields the core keeps for itself; user keys can never start with `$`. */
export const INTERNAL = {
  /** Synchronizer CSRF secret (checklist CSRF-02). */
  csrf: '$csrf',
  /**
   * The client when the id was issued, `{"device":"<user agent>","ip":"<address>"}`, for device
   * lists and hijack signals. One sealed field for both: every new session seals it, and one
   * AES-GCM operation fewer per session showed in scenarios (c)/(d) of bench/.
   */
  client: '$client',
  /** Authentication state and factors, e.g. `{"aal":1,"amr":["pwd"]}` (checklist FIX-03, FIX-05). */
  auth: '$auth',
} as const;
