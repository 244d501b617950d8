/**
 * The sealed session cookie's format, with no crypto in it: shared by the Node codec (codec.ts)
 * and the WebCrypto reader (src/edge), which must agree byte for byte.
 */

/** AAD binding the sealed record to its cookie name: a value cannot be moved to another cookie. */
export const cookieRecordAad = (cookieName: string) => `custos/cookie-session/v1\u0000${cookieName}`;

/**
 * Only the current format, with the key index spelled exactly (checklist STO-03): `g1` values
 * left its index outside the AAD, so a client could respell it. A `g1` cookie is refused and its
 * user signs in again once; `g1` fields at rest in a store still open (seal.ts).
 */
export const SEALED_COOKIE = /^g2\.(?:0|[1-9][0-9]{0,2})\.[A-Za-z0-9_-]+$/;
