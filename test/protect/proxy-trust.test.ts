import { describe, expect, it } from 'vitest';
import { compileTrustedProxies, resolveClient } from '../../src/protect/index.js';

describe('trustedProxies (checklist TLS-06)', () => {
  it('accepts exact addresses, IPv4 and IPv6 CIDR ranges, and IPv4-mapped peers', () => {
    const trusted = compileTrustedProxies(['10.1.2.3', '172.16.0.0/12', '2001:db8::/32', '::ffff:192.0.2.0/120']);
    expect(trusted('10.1.2.3', 0)).toBe(true);
    expect(trusted('10.1.2.4', 0)).toBe(false);
    expect(trusted('172.31.255.255', 0)).toBe(true);
    expect(trusted('172.32.0.0', 0)).toBe(false);
    expect(trusted('::ffff:172.20.0.1', 0)).toBe(true);
    expect(trusted('2001:db8:ffff::1', 0)).toBe(true);
    expect(trusted('2001:db9::1', 0)).toBe(false);
    expect(trusted('192.0.2.77', 0)).toBe(true);
    expect(trusted('not-an-ip', 0)).toBe(false);
  });

  it("knows 'loopback', 'linklocal' and 'uniquelocal' in both families", () => {
    const cases: Array<[string, string, boolean]> = [
      ['loopback', '127.9.9.9', true],
      ['loopback', '::1', true],
      ['loopback', '10.0.0.1', false],
      ['linklocal', '169.254.10.1', true],
      ['linklocal', 'fe80::1', true],
      ['linklocal', 'fec0::1', false],
      ['uniquelocal', '10.200.0.1', true],
      ['uniquelocal', '192.168.1.1', true],
      ['uniquelocal', 'fd12:3456::1', true],
      ['uniquelocal', '8.8.8.8', false],
      ['uniquelocal', '2001:db8::1', false],
    ];
    for (const [keyword, address, expected] of cases) {
      expect([keyword, address, compileTrustedProxies([keyword])(address, 0)]).toEqual([keyword, address, expected]);
    }
  });

  it('refuses at startup an entry it cannot parse, naming it', () => {
    for (const bad of ['10.0.0.0/33', '10.0.0/8', 'fd00::/129', 'localhost', 'loopbak', '10.0.0.0/', '*', '']) {
      expect(() => compileTrustedProxies([bad]), bad).toThrow(/trustedProxies entry/);
    }
    expect(() => compileTrustedProxies('loopback' as never)).toThrow(/must be a list/);
  });
});

describe('forwarded headers are read from the trusted hop, like X-Forwarded-For', () => {
  const headers = (h: Record<string, string>) => (name: string) => h[name];
  const peer = { remoteAddress: '10.0.0.5', encrypted: false };

  it('one appending proxy: its own right-most proto and host win over the client-supplied ones', () => {
    const client = resolveClient(
      peer,
      headers({
        host: 'bank.example',
        'x-forwarded-for': '198.51.100.1, 203.0.113.9',
        'x-forwarded-proto': 'https, http',
        'x-forwarded-host': 'evil.example, bank.example',
      }),
      ['10.0.0.0/8'],
    );
    expect(client).toEqual({ ip: '203.0.113.9', secure: false, host: 'bank.example' });
  });

  it('two trusted proxies: the value the outer one (facing the client) appended counts', () => {
    const client = resolveClient(
      peer,
      headers({ 'x-forwarded-for': '203.0.113.9, 10.0.0.9', 'x-forwarded-proto': 'http, https, http' }),
      ['10.0.0.0/8'],
    );
    expect(client.ip).toBe('203.0.113.9');
    expect(client.secure).toBe(true);
  });

  it('a proxy that overwrites instead of appending is still believed', () => {
    const client = resolveClient(peer, headers({ 'x-forwarded-for': '203.0.113.9', 'x-forwarded-proto': 'https' }), [
      '10.0.0.0/8',
    ]);
    expect(client.secure).toBe(true);
  });

  it('Express-style numeric trust (hop count) through a predicate', () => {
    const oneHop = (_address: string, hop: number) => hop < 1;
    const client = resolveClient(
      { remoteAddress: '192.0.2.1', encrypted: false },
      headers({ 'x-forwarded-for': '198.51.100.1, 203.0.113.9', 'x-forwarded-proto': 'https, http' }),
      oneHop,
    );
    expect(client).toMatchObject({ ip: '203.0.113.9', secure: false });
  });
});
