import { describe, expect, it } from 'vitest';
import { CustosError, createSessions } from '../../src/index.js';
import { SECRET_A } from '../helpers/clock.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CustosError);
    return (error as CustosError).code;
  }
  return undefined;
}

describe('options are checked at construction', () => {
  it('refuses a missing or empty keyring', () => {
    expect(codeOf(() => createSessions({ secrets: [] }))).toBe('NO_SECRETS');
    expect(codeOf(() => createSessions({} as never))).toBe('NO_SECRETS');
  });

  it('refuses secrets shorter than 32 bytes and says how to make one', () => {
    try {
      createSessions({ secrets: [SECRET_A, 'short'] });
      expect.unreachable();
    } catch (error) {
      expect((error as CustosError).code).toBe('SECRET_TOO_SHORT');
      expect((error as Error).message).toContain('secrets[1]');
      expect((error as Error).message).toContain('custos secret generate');
      expect((error as Error).message).not.toContain('short');
    }
  });

  it('refuses SameSite=None', () => {
    expect(codeOf(() => createSessions({ secrets: [SECRET_A], cookie: { sameSite: 'none' as never } }))).toBe(
      'INVALID_COOKIE_OPTION',
    );
  });

  it('refuses a __Host- cookie with a Domain or a Path other than /', () => {
    expect(codeOf(() => createSessions({ secrets: [SECRET_A], cookie: { domain: 'example.test' } }))).toBe(
      'INVALID_COOKIE_OPTION',
    );
    expect(codeOf(() => createSessions({ secrets: [SECRET_A], cookie: { path: '/app' } }))).toBe(
      'INVALID_COOKIE_OPTION',
    );
  });

  it('refuses a __Secure- cookie without Secure', () => {
    expect(codeOf(() => createSessions({ secrets: [SECRET_A], cookie: { name: '__Secure-sid', secure: false } }))).toBe(
      'INVALID_COOKIE_OPTION',
    );
  });

  it('refuses sessions without an absolute timeout', () => {
    expect(codeOf(() => createSessions({ secrets: [SECRET_A], absoluteTimeout: Number.POSITIVE_INFINITY }))).toBe(
      'NO_ABSOLUTE_TIMEOUT',
    );
    expect(codeOf(() => createSessions({ secrets: [SECRET_A], absoluteTimeout: 0 }))).toBe('NO_ABSOLUTE_TIMEOUT');
  });

  it('refuses unreadable durations and an idle timeout longer than the absolute one', () => {
    expect(codeOf(() => createSessions({ secrets: [SECRET_A], idleTimeout: 'soon' }))).toBe('INVALID_DURATION');
    expect(codeOf(() => createSessions({ secrets: [SECRET_A], idleTimeout: -5 }))).toBe('INVALID_DURATION');
    expect(codeOf(() => createSessions({ secrets: [SECRET_A], idleTimeout: '2h', absoluteTimeout: '1h' }))).toBe(
      'INVALID_OPTION',
    );
  });

  it('refuses a bad preset, cap, policy, clock or store', () => {
    expect(codeOf(() => createSessions({ secrets: [SECRET_A], preset: 'aal9' as never }))).toBe('INVALID_OPTION');
    expect(codeOf(() => createSessions({ secrets: [SECRET_A], maxSessionsPerUser: 0 }))).toBe('INVALID_OPTION');
    expect(codeOf(() => createSessions({ secrets: [SECRET_A], onMaxSessions: 'x' as never }))).toBe('INVALID_OPTION');
    expect(codeOf(() => createSessions({ secrets: [SECRET_A], clock: 5 as never }))).toBe('INVALID_OPTION');
    expect(codeOf(() => createSessions({ secrets: [SECRET_A], store: {} as never }))).toBe('INVALID_OPTION');
    expect(codeOf(() => createSessions({ secrets: [SECRET_A], clearSiteData: ['cookies'] }))).toBe('INVALID_OPTION');
  });

  it('accepts durations as strings or milliseconds and applies presets', () => {
    const a = createSessions({ secrets: [SECRET_A], idleTimeout: '15m', absoluteTimeout: '8h' });
    expect(a.options.idleTimeout).toBe(15 * 60_000);
    expect(a.options.absoluteTimeout).toBe(8 * 3_600_000);
    const b = createSessions({ secrets: [SECRET_A], idleTimeout: 2_000, absoluteTimeout: '6s' });
    expect([b.options.idleTimeout, b.options.absoluteTimeout]).toEqual([2_000, 6_000]);
    const aal3 = createSessions({ secrets: [SECRET_A], preset: 'aal3' });
    expect([aal3.options.idleTimeout, aal3.options.absoluteTimeout]).toEqual([15 * 60_000, 12 * 3_600_000]);
    const defaults = createSessions({ secrets: [SECRET_A] });
    expect([defaults.options.idleTimeout, defaults.options.absoluteTimeout]).toEqual([30 * 60_000, 12 * 3_600_000]);
    expect(defaults.options.cookie).toMatchObject({
      name: '__Host-sid',
      sameSite: 'lax',
      secure: true,
      persistent: false,
    });
    expect(defaults.options.saveUninitialized).toBe(false);
  });
});
