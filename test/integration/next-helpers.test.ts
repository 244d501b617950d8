import { describe, expect, it } from 'vitest';
import { readCsrfToken, readSession, sessionAction, withSessions } from '../../src/adapters/next.js';
import { createSessions } from '../../src/index.js';
import { memoryStore } from '../../src/stores/memory/index.js';

/**
 * custos/next against its own contract, with Next's `headers()`/`cookies()` replaced by objects
 * of the same shape (test/integration/next-app.test.ts runs the real thing under next start).
 */
const SECRET = 'next-helpers-test-secret-0123456789abcdef';

function setup() {
  let now = 1_000_000;
  const manager = createSessions({
    secrets: [SECRET],
    store: memoryStore(),
    idleTimeout: '10m',
    clock: () => now,
    protect: { origins: ['https://app.example'] },
  });
  return { manager, advance: (ms: number) => (now += ms) };
}

/** What `cookies()` records: every `set` call, in order. */
function jar() {
  const calls: Array<{ name: string; value: string; options: Record<string, unknown> }> = [];
  return { calls, set: (name: string, value: string, options = {}) => calls.push({ name, value, options }) };
}

const headersOf = (record: Record<string, string>) => new Headers(record);

describe('custos/next', () => {
  it('sessionAction writes the rotated cookie through cookies().set with its attributes; destroy clears it', async () => {
    const { manager } = setup();
    const cookies = jar();
    const headers = headersOf({ host: 'app.example' });
    await sessionAction(manager, { headers, cookies, secure: true }, (session) => session.login('alice'));
    const [set] = cookies.calls;
    expect(set?.name).toBe('__Host-sid');
    expect(set?.options).toEqual({ path: '/', secure: true, httpOnly: true, sameSite: 'lax' });
    const signedIn = headersOf({ host: 'app.example', cookie: `__Host-sid=${set?.value}` });
    expect((await readSession(manager, signedIn, { secure: true })).userId).toBe('alice');

    const out = jar();
    await sessionAction(manager, { headers: signedIn, cookies: out, secure: true }, (session) => session.destroy());
    expect(out.calls).toHaveLength(1);
    expect(out.calls[0]).toMatchObject({ name: '__Host-sid', value: '', options: { maxAge: 0 } });
    expect((await readSession(manager, signedIn, { secure: true })).userId).toBeNull();
  });

  it('sessionAction with a form refuses a missing token and a foreign origin before the action runs', async () => {
    const { manager } = setup();
    let ran = 0;
    const work = () => void ran++;
    const form = new FormData();
    form.set('_csrf', 'forged');
    const sameOrigin = headersOf({ host: 'app.example', origin: 'https://app.example' });
    const foreign = headersOf({ host: 'app.example', origin: 'https://evil.example' });
    for (const headers of [sameOrigin, foreign]) {
      const cookies = jar();
      await expect(sessionAction(manager, { headers, cookies, form, secure: true }, work)).rejects.toMatchObject({
        code: 'CSRF_REJECTED',
      });
      expect(cookies.calls).toEqual([]);
    }
    expect(ran).toBe(0);
  });

  it('a server-component read never writes: reading does not move the idle deadline', async () => {
    const { manager, advance } = setup();
    const cookies = jar();
    await sessionAction(manager, { headers: headersOf({ host: 'app.example' }), cookies, secure: true }, (s) =>
      s.login('alice'),
    );
    const headers = headersOf({ host: 'app.example', cookie: `__Host-sid=${cookies.calls[0]?.value}` });
    // Reads 6 and then 11 minutes after login (idle timeout 10 minutes): a committed touch at 6
    // would have kept the session; a read that never writes does not.
    advance(6 * 60_000);
    expect((await readSession(manager, headers, { secure: true })).userId).toBe('alice');
    advance(5 * 60_000);
    expect((await readSession(manager, headers, { secure: true })).userId).toBeNull();
  });

  it('readCsrfToken gives a token a later action accepts, and null when it would need a cookie', async () => {
    const { manager } = setup();
    const bare = headersOf({ host: 'app.example' });
    expect(readCsrfToken(manager, await readSession(manager, bare, { secure: true }), bare)).toBeNull();
    const cookies = jar();
    await sessionAction(manager, { headers: bare, cookies, secure: true }, (s) => s.login('alice'));
    const headers = headersOf({
      host: 'app.example',
      origin: 'https://app.example',
      cookie: `__Host-sid=${cookies.calls[0]?.value}`,
    });
    const token = readCsrfToken(manager, await readSession(manager, headers, { secure: true }), headers);
    expect(token).toEqual(expect.any(String));
    const form = new FormData();
    form.set('_csrf', token as string);
    const ok = await sessionAction(manager, { headers, cookies: jar(), form, secure: true }, () => 'ran');
    expect(ok).toBe('ran');
  });

  it('without { secure: true } a session cookie reaching a non-loopback host over plain HTTP is not honoured', async () => {
    const { manager } = setup();
    const cookies = jar();
    await sessionAction(manager, { headers: headersOf({ host: 'app.example' }), cookies, secure: true }, (s) =>
      s.login('alice'),
    );
    const headers = headersOf({ host: 'app.example', cookie: `__Host-sid=${cookies.calls[0]?.value}` });
    expect((await readSession(manager, headers)).userId).toBeNull();
    expect((await readSession(manager, headers, { secure: true })).userId).toBe('alice');
  });

  it('withSessions answers a route handler with the cookie and no-store on the Response', async () => {
    const { manager } = setup();
    const handler = withSessions(
      manager,
      async (_request, session) => {
        await session.login('alice');
        return Response.json({ ok: true });
      },
      { secure: true },
    );
    const response = await handler(new Request('http://app.example/api/login', { method: 'POST' }));
    expect(response.headers.getSetCookie()[0]).toMatch(/^__Host-sid=[^;]+; Path=\/; Secure; HttpOnly; SameSite=Lax/);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });
});
