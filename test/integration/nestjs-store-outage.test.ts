import { expect, it, vi } from 'vitest';
import { sessionCookieFrom } from '../helpers/cookies.js';
import { onEachNestPlatform, type Reply } from './nestjs-fixture.js';

/** A store outage: every contract call rejects with an error naming a host (which must never leak). */
const OUTAGE = 'connect ECONNREFUSED secret-store.internal:6379';
const STORE_CALLS = ['create', 'get', 'patch', 'destroy', 'listByUser', 'destroyByUser', 'revokeAll'] as const;

function takeDown(store: object): () => void {
  const target = store as Record<string, unknown>;
  for (const name of STORE_CALLS) {
    Object.defineProperty(target, name, {
      value: () => Promise.reject(new Error(OUTAGE)),
      configurable: true,
      writable: true,
    });
  }
  return () => {
    for (const name of STORE_CALLS) delete target[name];
  };
}

onEachNestPlatform('store-outage', (app) => {
  it("store outage: 503 from the adapter and through Nest's exception filter, never a stack or the cause", async () => {
    const { cookie } = await app.withSession('carol');
    const visitor = await app.newVisitor();
    const written: string[] = [];
    const capture = (chunk: unknown) => {
      written.push(String(chunk));
      return true;
    };
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    const restore = takeDown(app.manager.store);
    let atLoad: Reply;
    let inHandler: Reply;
    try {
      // Loading the session fails before Nest's router: the adapter answers.
      atLoad = await app.send('GET', '/account', { cookie });
      // No session to load; `login()` in the handler throws STORE_UNAVAILABLE into Nest's exception layer.
      inHandler = await app.postJson('/login', visitor.cookie, visitor.token, { user: 'dave' });
    } finally {
      restore();
      stderr.mockRestore();
      stdout.mockRestore();
    }
    expect(atLoad.status).toBe(503);
    expect(atLoad.text).toBe('Service unavailable');
    // Nest's own handler would have answered 500 and logged the stack: the filter saw the error.
    expect(inHandler.status).toBe(503);
    expect(inHandler.json).toEqual({ statusCode: 503, message: 'Service unavailable' });
    expect(inHandler.headers.get('cache-control')).toBe('no-store');
    expect(sessionCookieFrom(inHandler.headers)).toBeUndefined();
    for (const reply of [atLoad, inHandler]) {
      expect(reply.text).not.toContain('secret-store');
      expect(reply.text).not.toMatch(/\bat \S+ \(/);
    }
    const logged = written.join('');
    expect(logged).not.toContain('secret-store');
    expect(logged).not.toMatch(/\n\s+at /);

    // The store is back: the session survived the outage.
    expect(await app.send('GET', '/account', { cookie })).toMatchObject({ status: 200, json: { user: 'carol' } });
  });
});
