/**
 * The sealed value's layout, `<version>.<key index>.<base64url(nonce | tag | ciphertext)>`, with
 * no crypto in it: shared by seal.ts (node:crypto) and src/edge (WebCrypto), which must agree.
 */
export const SEAL_VERSION = 'g2';
/**
 * Values sealed before the key index was authenticated; still opened so data at rest in a store
 * or a backup stays readable. A sealed session cookie (request input) must be `g2`: see codec.ts.
 */
export const LEGACY_SEAL_VERSION = 'g1';
/** AES-GCM's 96-bit nonce (NIST SP 800-38D §8.2). */
export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;
/** The key index's one spelling: decimal, no sign, no leading zero (`00`, `007`, `+1` are refused). */
export const INDEX_PATTERN = /^(?:0|[1-9][0-9]{0,2})$/;
