import type { PatchResult, SessionPatch, SessionStore, StoredSession } from '../contract.js';
import { applyPatch, patchConflicts } from '../patch.js';

/**
 * The "store" one request's `Session` talks to in sealed-cookie mode: it holds the record that
 * came in the cookie and seals every write at once, so an oversized session fails at the write
 * (`COOKIE_TOO_LARGE`) rather than while headers are going out. Ending the id that came in the
 * cookie is reported to `onEnd` (server-side revocation, when configured).
 */
export class RequestCookieStore implements SessionStore {
  readonly kind = 'cookie';
  readonly #records = new Map<string, StoredSession>();
  readonly #sealed = new Map<string, string>();
  readonly #seal: (record: StoredSession) => string;
  readonly #onEnd: (record: StoredSession) => Promise<void>;
  readonly #beforeCreate: (record: StoredSession) => Promise<void>;
  #incoming: string | null = null;
  #changed = false;

  /** `beforeCreate` runs before a new session is sealed (revocation's `ready()`, when configured). */
  constructor(
    seal: (record: StoredSession) => string,
    onEnd: (record: StoredSession) => Promise<void>,
    beforeCreate: (record: StoredSession) => Promise<void> = async () => {},
  ) {
    this.#seal = seal;
    this.#onEnd = onEnd;
    this.#beforeCreate = beforeCreate;
  }

  /** The record that arrived in the cookie. */
  adopt(record: StoredSession): void {
    this.#records.set(record.id, record);
    this.#incoming = record.id;
  }

  /** Whether anything was written during this request (the cookie must be re-issued). */
  changed(): boolean {
    return this.#changed;
  }

  /** The sealed cookie value for a record written during this request. */
  value(id: string): string | null {
    return this.#sealed.get(id) ?? null;
  }

  #put(record: StoredSession): void {
    this.#sealed.set(record.id, this.#seal(record));
    this.#records.set(record.id, record);
    this.#changed = true;
  }

  async create(record: StoredSession): Promise<boolean> {
    if (this.#records.has(record.id)) return false;
    await this.#beforeCreate(record);
    this.#put(record);
    return true;
  }

  async get(id: string): Promise<StoredSession | null> {
    return this.#records.get(id) ?? null;
  }

  async patch(id: string, patch: SessionPatch): Promise<PatchResult> {
    const record = this.#records.get(id);
    if (!record) return 'missing';
    if (patchConflicts(record.fields, patch)) return 'conflict';
    this.#put(applyPatch(record, patch));
    return 'ok';
  }

  async destroy(id: string): Promise<void> {
    const record = this.#records.get(id);
    this.#records.delete(id);
    this.#sealed.delete(id);
    if (record && id === this.#incoming) await this.#onEnd(record);
  }

  async listByUser(): Promise<StoredSession[]> {
    return [];
  }
  async destroyByUser(): Promise<number> {
    return 0;
  }
  async revokeAll(): Promise<void> {}
  async purgeExpired(): Promise<number> {
    return 0;
  }
  async *exportRecords(): AsyncIterable<StoredSession> {}
  async importRecords(): Promise<number> {
    return 0;
  }
  async close(): Promise<void> {}
}
