import type { Keyring } from '../crypto/keyring.js';
import type { StoredSession } from '../stores/contract.js';
import { INTERNAL } from './field-layout.js';
import { openFields } from './record.js';

export { INTERNAL };

/** Written by custos before `$client` existed; still read so older records keep their device line. */
const LEGACY = { device: '$ua', ip: '$ip' } as const;

export interface ClientFields {
  readonly device: string | undefined;
  readonly ip: string | undefined;
}

/**
 * The recorded client of a session from its opened fields (`read` returns a field's parsed
 * JSON, or undefined). Anything that is not a string counts as unknown.
 */
export function recordedClient(read: (name: string) => unknown): ClientFields {
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const client = read(INTERNAL.client) as { device?: unknown; ip?: unknown } | undefined;
  if (client !== undefined && client !== null && typeof client === 'object') {
    return { device: text(client.device), ip: text(client.ip) };
  }
  return { device: text(read(LEGACY.device)), ip: text(read(LEGACY.ip)) };
}

/**
 * The recorded client of a stored record (device lists, `custos sessions`): its fields opened with
 * the keyring; unknown when they do not open.
 */
export function storedClient(keyring: Keyring, record: Pick<StoredSession, 'id' | 'fields'>): ClientFields {
  const plain = openFields(keyring, record);
  return recordedClient((name) => {
    const json = plain?.get(name);
    if (json === undefined) return undefined;
    try {
      return JSON.parse(json) as unknown;
    } catch {
      return undefined;
    }
  });
}

/** The `$client` JSON for a request's client, or undefined when nothing is known about it. */
export function clientFieldJson(client: ClientFields): string | undefined {
  if (client.device === undefined && client.ip === undefined) return undefined;
  return JSON.stringify({ device: client.device, ip: client.ip });
}
