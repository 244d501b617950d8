import { describe, expect, it } from 'vitest';
import * as edge from '../../src/edge/index.js';
import * as main from '../../src/index.js';
import * as protect from '../../src/protect/index.js';
import * as cookieEntry from '../../src/stores/cookie/index.js';

/**
 * The main entry holds the engine and its vocabulary; the framework-free protection helpers live
 * on `custos/protect`. A value added to either entry, or moved between them, must show up here
 * (and in CHANGELOG.md), since either is a breaking change for someone's import line.
 */
describe('public surface', () => {
  it('the main entry exports the engine, its errors, its store contract and the memory store', () => {
    expect(Object.keys(main).sort()).toEqual(
      [
        'CustosError',
        'MemoryStore',
        'PRESETS',
        'SessionManager',
        'createSessions',
        'isCustosError',
        'isStoredSession',
        'memoryStore',
        'parseDuration',
      ].sort(),
    );
  });

  it('custos/protect exports the pure cookie, CSRF, HTTPS, proxy and content-type decisions', () => {
    expect(Object.keys(protect).sort()).toEqual(
      [
        'CSRF_VARY',
        'MIN_HSTS_MAX_AGE',
        'compileTrustedProxies',
        'httpsDecision',
        'readCookie',
        'requireJson',
        'resolveClient',
        'resolveHttpsOptions',
        'serializeCookie',
      ].sort(),
    );
  });

  it('no protection helper is left on the main entry', () => {
    const both = Object.keys(protect).filter((name) => name in main);
    expect(both).toEqual([]);
  });

  it('custos/stores/cookie exports the sealed-cookie store, not the manager machinery behind it', () => {
    // The codec, the per-request store and the revocation list are the core's sealed-cookie mode.
    expect(Object.keys(cookieEntry).sort()).toEqual(['CookieStore', 'cookieStore', 'isCookieStore']);
  });

  it('custos/edge exports only the WebCrypto reader of sealed cookies', () => {
    expect(Object.keys(edge)).toEqual(['sealedSessionReader']);
  });
});
