import { clientFieldJson, INTERNAL } from '../../core/internal-fields.js';
import type { SessionManager } from '../../core/manager.js';
import { newRecord, sealFields } from '../../core/record.js';
import { StoreCaller } from '../../core/store-call.js';
import { mintToken, serializeToken } from '../../core/token.js';
import { randomToken } from '../../crypto/random.js';
import { callbackDestroy, callbackGet, type ExpressSessionStore } from '../../stores/express-session/callback-store.js';
import { unsignLegacyCookie } from './legacy-cookie.js';
import { SEEN_FIELD, STARTED_FIELD } from './rolling-record.js';

/** What a request tells the converter about its client. */
export interface LegacyClient {
  readonly ip: string | undefined;
  readonly device: string | undefined;
}

/** An express-session record as its stores keep it: the data plus a serialised `cookie`. */
interface LegacyRecord {
  cookie?: { originalMaxAge?: unknown; expires?: unknown };
  [key: string]: unknown;
}

/**
 * A browser sends its parallel requests (page, XHRs, images) with the same old cookie before the
 * first response replaces it: for this long they share the one conversion instead of finding the
 * old record deleted. Afterwards the old cookie opens nothing, even in this process.
 */
const SHARED_RESULT_MS = 5_000;

/**
 * Carries express-session sessions over to custos the first time their cookie is seen, so that
 * switching the import logs nobody out.
 *
 * The trust decision: only a cookie signed by one of the app's own secrets (the check
 * express-session itself makes) whose record is in the app's own store is converted. That is
 * exactly what express-session would have honoured on this request, so nothing becomes valid that
 * was not already. What the conversion ends: the old id, which sat in plaintext in the store and
 * in every cookie jar, stops working at once (its record is deleted), and the data is re-stored
 * sealed under a fresh CSPRNG id with only a verifier of the secret (OWASP Session Management:
 * renew the id on any privilege-relevant change; here, on the change of session system).
 */
export class LegacyConverter {
  readonly #recent = new Map<string, { work: Promise<string | null>; at: number }>();
  /** The same time limit and `store-error` events as every other store call (a hung store answers 503). */
  readonly #caller: StoreCaller;

  constructor(
    private readonly legacyStore: ExpressSessionStore,
    private readonly manager: SessionManager<Record<string, unknown>>,
    private readonly secrets: readonly (string | Buffer)[],
    private readonly defaultMaxAge: number | null,
    private readonly cookieField: string,
  ) {
    const { storeTimeout, onEvent, clock } = manager.options;
    this.#caller = new StoreCaller(storeTimeout, onEvent, clock);
  }

  /**
   * The custos cookie value that replaces this express-session cookie, or null when it does not
   * verify or its record is gone. The record is deleted once its custos copy is stored.
   */
  convert(rawCookie: string, client: LegacyClient): Promise<string | null> {
    const sid = unsignLegacyCookie(rawCookie, this.secrets);
    if (sid === null) return Promise.resolve(null);
    const now = this.manager.options.clock();
    const recent = this.#recent.get(sid);
    if (recent && now - recent.at < SHARED_RESULT_MS) return recent.work;
    const work = this.#convert(sid, client);
    const entry = { work, at: now };
    this.#recent.set(sid, entry);
    const forget = () => {
      if (this.#recent.get(sid) === entry) this.#recent.delete(sid);
    };
    // unref: a pending clean-up never keeps the process alive (servers and test runners exit).
    work.then(() => setTimeout(forget, SHARED_RESULT_MS).unref(), forget);
    return work;
  }

  async #convert(sid: string, client: LegacyClient): Promise<string | null> {
    const raw = (await this.#caller.call('get', () => callbackGet(this.legacyStore, sid))) as LegacyRecord | null;
    // A record custos wrote (its envelope) is never an express-session session.
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || 'custos' in raw) return null;
    const { options } = this.manager;
    const now = options.clock();
    // A record kept in rolling-deploy mode says when its session began and was last seen; neither is session data.
    const { cookie, [STARTED_FIELD]: started, [SEEN_FIELD]: seen, ...data } = raw;
    const originalMaxAge = typeof cookie?.originalMaxAge === 'number' ? cookie.originalMaxAge : null;
    const expires = typeof cookie?.expires === 'string' ? Date.parse(cookie.expires) : Number.NaN;
    if (expires <= now) return null; // expired; the store was merely late to remove it
    // express-session resets `expires` to now + originalMaxAge whenever it touches the cookie, so
    // the session is at least (now - that reset) old. That lower bound starts the absolute clock;
    // without it (a browser-session cookie) the conversion time does.
    const lastReset = originalMaxAge !== null && Number.isFinite(expires) ? expires - originalMaxAge : now;
    const startedAt = Math.min(now, lastReset, typeof started === 'number' && Number.isFinite(started) ? started : now);
    const absoluteExpiresAt = startedAt + options.absoluteTimeout;
    if (absoluteExpiresAt <= now) {
      await this.#caller.call('destroy', () => callbackDestroy(this.legacyStore, sid));
      this.manager.emit({ type: 'expired-absolute', ip: client.ip, reason: 'express-session-record-too-old' });
      return null;
    }
    // A browser-session cookie's record idle for longer than the idle timeout (by the stamp the
    // rolling-deploy mode keeps) has ended, as it would have in that mode.
    if (originalMaxAge === null && typeof seen === 'number' && seen + options.idleTimeout <= now) {
      await this.#caller.call('destroy', () => callbackDestroy(this.legacyStore, sid));
      this.manager.emit({ type: 'expired-idle', ip: client.ip, reason: 'express-session-record-idle' });
      return null;
    }
    const plain = new Map<string, string>();
    for (const [key, value] of Object.entries(data)) {
      const json = JSON.stringify(value);
      // Keys custos cannot hold ($-prefixed are its own) are left behind, and the event says so.
      if (json === undefined || key.startsWith('$') || key.length > 200 || key === '__proto__') continue;
      plain.set(key, json);
    }
    const skipped = Object.keys(data).length - plain.size;
    plain.set(INTERNAL.csrf, JSON.stringify(randomToken(32)));
    const clientJson = clientFieldJson(client);
    if (clientJson !== undefined) plain.set(INTERNAL.client, clientJson);
    if (originalMaxAge !== this.defaultMaxAge) plain.set(this.cookieField, JSON.stringify(originalMaxAge));
    const token = mintToken();
    const fresh = newRecord(
      token,
      { userId: null, authenticatedAt: null, absoluteExpiresAt },
      now,
      options,
      sealFields(options.keyring, token.id, plain),
    );
    const created = await this.#caller.call('create', () =>
      this.manager.store.create({ ...fresh, createdAt: startedAt }),
    );
    if (!created) return null;
    // The old id dies now: a copy of the old cookie (leaked, planted) no longer opens anything.
    await this.#caller.call('destroy', () => callbackDestroy(this.legacyStore, sid));
    this.manager.emit({
      type: 'created',
      handle: token.id,
      ip: client.ip,
      reason: skipped > 0 ? 'converted-from-express-session-keys-skipped' : 'converted-from-express-session',
    });
    return serializeToken(options.keyring, token);
  }
}
