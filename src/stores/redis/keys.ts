import { CustosError } from '../../errors.js';

/**
 * Key layout under one prefix `P` (default `custos:`):
 *
 * | key            | type   | holds                                                         |
 * |----------------|--------|---------------------------------------------------------------|
 * | `P s:{<id>}`   | hash   | one session: meta fields plus `f:<name>` sealed data fields   |
 * | `P u:{<user>}` | zset   | per-user index: member = session id, score = expiresAt hint   |
 * | `P epoch`      | string | global revocation epoch, bumped by `revokeAll` (INCR)          |
 *
 * The `{…}` hash tag puts each session (and each user index) in one Redis Cluster slot, so every
 * Lua script touches a single slot. The index and the epoch live in other slots by design.
 */
export interface RedisKeys {
  readonly prefix: string;
  session(id: string): string;
  userIndex(userId: string): string;
  readonly epoch: string;
  /** SCAN MATCH pattern for every session hash under the prefix. */
  readonly sessionPattern: string;
  /** SCAN MATCH pattern for every per-user index under the prefix. */
  readonly userIndexPattern: string;
  /** The session id inside a key returned by SCAN, or null for a key that is not a session hash. */
  idOfSessionKey(key: string): string | null;
}

export const DEFAULT_PREFIX = 'custos:';

export function redisKeys(prefix: string = DEFAULT_PREFIX): RedisKeys {
  // A brace in the prefix would become the hash tag and put every session in one slot.
  if (typeof prefix !== 'string' || prefix.length > 100 || /[{}]/.test(prefix)) {
    throw new CustosError(
      'INVALID_OPTION',
      'redisStore: prefix must be a string of at most 100 characters without { or }',
    );
  }
  const sessionHead = `${prefix}s:{`;
  const glob = escapeGlob(prefix);
  return {
    prefix,
    session: (id) => `${sessionHead}${id}}`,
    userIndex: (userId) => `${prefix}u:{${userId}}`,
    epoch: `${prefix}epoch`,
    sessionPattern: `${glob}s:{*`,
    userIndexPattern: `${glob}u:{*`,
    idOfSessionKey: (key) =>
      key.startsWith(sessionHead) && key.endsWith('}') ? key.slice(sessionHead.length, -1) : null,
  };
}

/** Escapes the characters Redis glob patterns treat specially, so a prefix matches literally. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\^]/g, (c) => `\\${c}`);
}
