import { CustosError } from '../errors.js';
import type { SessionStore } from './contract.js';

// What opening a store from a URL returns, and the helpers every scheme's opener shares. Kept
// apart from from-url.ts so the per-scheme openers it loads lazily never import it back.

/** A store opened from a URL, plus the client it created (which the store itself never closes). */
export interface OpenedStore {
  readonly store: SessionStore;
  /** Where the store lives, without credentials, e.g. `redis 127.0.0.1:6379 (prefix custos:)`. */
  readonly description: string;
  /** The backend's own clock in epoch ms, for stores running on another machine. */
  serverTime?(): Promise<number>;
  /** Closes the store and the client opened for it. */
  close(): Promise<void>;
}

export interface StoreUrlOptions {
  /** `sqlite:` only: create the database file when it does not exist. @default true */
  create?: boolean;
  /** `postgres://` and `mysql://` only: run the idempotent `migrate()` after connecting. @default true */
  migrate?: boolean;
  /** How long to wait for Redis/PostgreSQL/MySQL to answer the first time, in ms. @default 3000 */
  connectTimeout?: number;
}

/** `STORE_UNAVAILABLE` naming the place and the driver's reason (which carries no password). */
export function unreachable(description: string, cause: unknown): CustosError {
  const reason = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
  return new CustosError('STORE_UNAVAILABLE', `cannot reach ${description}: ${reason || 'no answer'}`, { cause });
}

/** The URL with any password replaced, safe for messages. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}

/** Loads an optional peer dependency, or says which package to install. */
export async function loadPeer<T>(name: string, scheme: string): Promise<T> {
  try {
    return (await import(name)) as T;
  } catch (cause) {
    throw new CustosError('INVALID_OPTION', `${scheme} store URLs need the ${name} package: npm install ${name}`, {
      cause,
    });
  }
}

/** Rejects with `STORE_UNAVAILABLE` when `work` takes longer than `ms`. */
export async function withDeadline<T>(work: Promise<T>, ms: number, description: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(unreachable(description, new Error(`no answer within ${ms} ms`))), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
