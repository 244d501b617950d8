import type { Session } from '../../src/core/session.js';

/**
 * How one session library reads, writes and rotates, given the framework's request or context
 * `C`, so the scenario routes are the same for every target of a framework; bare ones have none.
 */
export interface SessionOps<C> {
  read(ctx: C): unknown;
  write(ctx: C, value: number): void;
  login(ctx: C): Promise<void>;
}

let logins = 0;

/**
 * The user each (d) login signs in: a new one every time, as when new visitors log in. With one
 * user for every login, custos would also sign out that user's least recently used session on
 * each login past its default cap of 50 sessions per user, work no peer has.
 */
export function nextUserId(): string {
  logins += 1;
  return `user-${logins}`;
}

/** The operations on a custos `Session`, which `sessionOf` finds in the framework's request or context. */
export function custosOps<C>(sessionOf: (ctx: C) => unknown): SessionOps<C> {
  const session = (ctx: C) => sessionOf(ctx) as Session<{ n: number }>;
  return {
    read: (ctx) => session(ctx).get('n'),
    write: (ctx, value) => session(ctx).set('n', value),
    login: (ctx) => session(ctx).login(nextUserId()),
  };
}
