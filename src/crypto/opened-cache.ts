import type { Keyring } from './keyring.js';

/** Most ciphertexts remembered per keyring, both generations together (about 4 fields per session). */
export const OPENED_CACHE_ENTRIES = 20_000;
/**
 * Longer plaintexts are not remembered. Bound: 20,000 × (≤ 512-char plaintext + its ~700-char
 * sealed key) ≈ 50 MB at the very worst; with typical fields of a few dozen characters, a few MB.
 * It is plaintext session data kept in this process's heap, like any in-process store would.
 */
export const OPENED_CACHE_MAX_CHARS = 512;

interface Opened {
  readonly aad: string;
  readonly plaintext: string;
  /** Keyring position of the key that opened it (0 when this process sealed it). */
  readonly keyIndex: number;
}

/**
 * Plaintexts of ciphertexts this process has already sealed or opened, per keyring. Every
 * request of a session presents the same sealed fields again, and AES-GCM set-up dominated the
 * read path in profiles (bench/, issue 7). A hit needs the exact sealed string (unique: it holds
 * a random 96-bit nonce) under the exact AAD it was opened with, and keyrings never change, so a
 * hit returns what decrypting again would return. It caches no session records: the record is
 * still read from the store on every request, so revocation is unaffected (checklist TRM-07).
 *
 * Two generations instead of a strict LRU: entries go into `#young`; when it is full it becomes
 * `#old` and the previous old generation is dropped whole. A hit in `#old` moves the entry back
 * to `#young`. Every operation is O(1) (deleting from the front of one big Map and iterating
 * to the oldest key showed up in the profile of scenario (b)).
 */
class OpenedCache {
  #young = new Map<string, Opened>();
  #old = new Map<string, Opened>();

  get(sealed: string, aad: string): string | undefined {
    return this.getOpened(sealed, aad)?.plaintext;
  }

  /** The remembered plaintext and the key index that opened it. */
  getOpened(sealed: string, aad: string): Opened | undefined {
    let hit = this.#young.get(sealed);
    if (hit === undefined) {
      hit = this.#old.get(sealed);
      if (hit === undefined || hit.aad !== aad) return undefined;
      this.#add(sealed, hit);
      return hit;
    }
    return hit.aad === aad ? hit : undefined;
  }

  /**
   * `get(sealed, id + "\0" + name)` without building that string: the session read path opens
   * every field of a record on each request.
   */
  getField(sealed: string, id: string, name: string): string | undefined {
    let hit = this.#young.get(sealed);
    if (hit === undefined) {
      hit = this.#old.get(sealed);
      if (hit === undefined || !isFieldAad(hit.aad, id, name)) return undefined;
      this.#add(sealed, hit);
      return hit.plaintext;
    }
    return isFieldAad(hit.aad, id, name) ? hit.plaintext : undefined;
  }

  remember(sealed: string, aad: string, plaintext: string, keyIndex = 0): void {
    if (plaintext.length > OPENED_CACHE_MAX_CHARS) return;
    this.#add(sealed, { aad, plaintext, keyIndex });
  }

  #add(sealed: string, entry: Opened): void {
    if (this.#young.size >= OPENED_CACHE_ENTRIES / 2) {
      this.#old = this.#young;
      this.#young = new Map();
    }
    this.#young.set(sealed, entry);
  }

  clear(): void {
    this.#young.clear();
    this.#old.clear();
  }
}

/** Whether `aad` is exactly `${id}\0${name}`. */
function isFieldAad(aad: string, id: string, name: string): boolean {
  return (
    aad.length === id.length + 1 + name.length &&
    aad.charCodeAt(id.length) === 0 &&
    aad.startsWith(id) &&
    aad.endsWith(name)
  );
}

const caches = new WeakMap<Keyring, OpenedCache>();

/** The cache of one keyring; it goes away with the keyring. */
export function openedCache(keyring: Keyring): OpenedCache {
  let cache = caches.get(keyring);
  if (!cache) caches.set(keyring, (cache = new OpenedCache()));
  return cache;
}
