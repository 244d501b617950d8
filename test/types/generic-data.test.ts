import { describe, expectTypeOf, it } from 'vitest';
import { sessions as honoSessions, type SessionEnv } from '../../src/adapters/hono.js';
import { createSessions, memoryStore, type Session, type SessionManager } from '../../src/index.js';

/** A data shape declared through the generic (no global declaration merging). */
interface Shop {
  cart: string[];
  theme: 'light' | 'dark';
  visits: number;
}

const manager = createSessions<Shop>({ secrets: ['t'.repeat(40)], store: memoryStore() });
/** A real, anonymous session: `expectTypeOf` needs a value at run time. */
const session = await manager.load({ method: 'GET', url: '/', headers: {}, secure: true });

// These lines are checked by `tsc` (npm run lint, and test/types/typecheck.test.ts); at run time
// `expectTypeOf` does nothing, so the `it` blocks only document what is being proved.
describe('typed session data through createSessions<MyData>()', () => {
  it('get() returns the declared type or undefined', () => {
    expectTypeOf(manager).toEqualTypeOf<SessionManager<Shop>>();
    expectTypeOf(manager.load).returns.resolves.toEqualTypeOf<Session<Shop>>();
    expectTypeOf(session.get('cart')).toEqualTypeOf<string[] | undefined>();
    expectTypeOf(session.get('theme')).toEqualTypeOf<'light' | 'dark' | undefined>();
    expectTypeOf(session.toJSON()).toEqualTypeOf<Partial<Shop>>();
  });

  it('set(), delete() and update() accept only declared keys and matching values', () => {
    expectTypeOf(session.set).toBeCallableWith('cart', ['apple']);
    expectTypeOf(session.update<'visits'>)
      .parameter(1)
      .toEqualTypeOf<(current: number | undefined) => number>();
    const misuse = () => {
      // @ts-expect-error: a number is not a string[]
      session.set('cart', 42);
      // @ts-expect-error: 'blue' is not a theme
      session.set('theme', 'blue');
      // @ts-expect-error: not a declared key
      session.get('carts');
      // @ts-expect-error: not a declared key
      session.delete('nope');
      // @ts-expect-error: update must return the key's type
      void session.update('visits', (n) => `${n}`);
      // @ts-expect-error: login may keep only declared keys
      void session.login('alice', { keep: ['basket'] });
    };
    expectTypeOf(misuse).toBeFunction();
  });

  it('the Hono adapter carries the shape into c.get("session")', () => {
    expectTypeOf(honoSessions(manager)).parameter(0).toHaveProperty('get');
    expectTypeOf<SessionEnv<Shop>['Variables']['session']>().toEqualTypeOf<Session<Shop>>();
  });
});
