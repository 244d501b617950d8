import type { SessionStore } from '../stores/contract.js';
import { CookieRevocation } from '../stores/cookie/revocation.js';
import { UsageError } from './exit-codes.js';

const PREFIX = 'cookie:';

/**
 * `cookie:<store URL>` (as in the demo's CUSTOS_STORE) names the revocation store of a
 * sealed-cookie app; the CLI opens the store after the prefix. The demo's bare `cookie:` means a
 * file in its data directory, which the CLI cannot know: it asks for the URL instead.
 */
export function splitCookieUrl(url: string): { url: string; cookie: boolean } {
  if (!url.toLowerCase().startsWith(PREFIX)) return { url, cookie: false };
  const inner = url.slice(PREFIX.length);
  if (inner === '') {
    throw new UsageError(
      'cookie: needs the URL of the revocation store, e.g. cookie:sqlite:.data/cookie-revocation.db (the demo default) or cookie:redis://host:6379',
    );
  }
  return { url: inner, cookie: true };
}

/**
 * The sealed-cookie revocation records in `store`: always with a `cookie:` URL, else when the
 * store holds an app's `nb-all` record. Sealed sessions are not stored, so this is how the CLI
 * signs them out (not-before records), and it must never bump the store's epoch for that.
 */
export async function cookieRevocationIn(store: SessionStore, explicit: boolean): Promise<CookieRevocation | null> {
  return explicit ? CookieRevocation.open(store) : CookieRevocation.find(store);
}
