import { describe, expect, it } from 'vitest';
import { clientFieldJson, INTERNAL, recordedClient } from '../../src/core/internal-fields.js';

const reader = (fields: Record<string, unknown>) => (name: string) => fields[name];

describe('the recorded client ($client, one sealed field for user agent and address)', () => {
  it('round-trips device and ip, and leaves out what is unknown', () => {
    const json = clientFieldJson({ device: 'Firefox', ip: '203.0.113.9' }) as string;
    expect(recordedClient(reader({ [INTERNAL.client]: JSON.parse(json) }))).toEqual({
      device: 'Firefox',
      ip: '203.0.113.9',
    });
    const ipOnly = clientFieldJson({ device: undefined, ip: '::1' }) as string;
    expect(JSON.parse(ipOnly)).toEqual({ ip: '::1' });
    expect(clientFieldJson({ device: undefined, ip: undefined })).toBeUndefined();
  });

  it('still reads records written with the older $ua / $ip fields', () => {
    expect(recordedClient(reader({ $ua: 'Safari', $ip: '198.51.100.4' }))).toEqual({
      device: 'Safari',
      ip: '198.51.100.4',
    });
  });

  it('treats anything that is not a string as unknown, never as a match', () => {
    expect(recordedClient(reader({ [INTERNAL.client]: { device: 42, ip: ['x'] } }))).toEqual({
      device: undefined,
      ip: undefined,
    });
    expect(recordedClient(reader({ [INTERNAL.client]: 'nonsense', $ua: 'Edge' }))).toEqual({
      device: 'Edge',
      ip: undefined,
    });
    expect(recordedClient(reader({}))).toEqual({ device: undefined, ip: undefined });
  });
});
