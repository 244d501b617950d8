import type { Keyring } from './keyring.js';

/** Most ciphertexts remembered per keyring (about 4 fields per session: a few thousand hot sessions). */
export const OPENED_CACHE_ENTRIES = 20_000;
/** Longer plaintexts are not remembered, so the cache stays a few MB at most. */
export const OPENED_CACHE_MAX_CHARS = 2_048;

interface Opened {
  readonly aad: string;
  readonly plaintext: string;
}

/**
 * Plaintexts of ciphertexts this process has already sealed or opened, per keyring. Every
 * request of a session presents the same sealed fields again, and AES-GCM set-up dominated the
 * read path in profiles (bench/, issue 7). A hit needs the exact sealed string (unique: it holds
 * a random 96-bit nonce) under the exact AAD it was opened with, and keyrings never change, so a
 * hit returns what decrypting again would return. It caches no session records: the record is
 * still read from the store on every request, so revocation is unaffected (checklist TRM-07).
 * Least recently used entries are dropped first.
 */
class OpenedCache {
  readonly #entries = new Map<string, Opened>();

  get(sealed: string, aad: string): string | undefined {
    const hit = this.#entries.get(sealed);
    if (hit === undefined || hit.aad !== aad) return undefined;
    this.#entries.delete(sealed);
    this.#entries.set(sealed, hit);
    return hit.plaintext;
  }

  remember(sealed: string, aad: string, plaintext: string): void {
    if (plaintext.length > OPENED_CACHE_MAX_CHARS) return;
    this.#entries.delete(sealed);
    this.#entries.set(sealed, { aad, plaintext });
    if (this.#entries.size > OPENED_CACHE_ENTRIES) {
      this.#entries.delete(this.#entries.keys().next().value as string);
    }
  }

  clear(): void {
    this.#entries.clear();
  }
}

const caches = new WeakMap<Keyring, OpenedCache>();

/** The cache of one keyring; it goes away with the keyring. */
export function openedCache(keyring: Keyring): OpenedCache {
  let cache = caches.get(keyring);
  if (!cache) caches.set(keyring, (cache = new OpenedCache()));
  return cache;
}
