import { hkdfSync } from 'node:crypto';
import { CustosError } from '../errors.js';

/** What one secret is used for; HKDF gives each purpose its own key (DESIGN decision 2). */
export type KeyPurpose = 'mac' | 'seal' | 'csrf' | 'log';

export interface DerivedKey {
  /** Position in the keyring: 0 is the newest. */
  readonly index: number;
  readonly key: Buffer;
}

export const MIN_SECRET_BYTES = 32;

/**
 * The keyring: the newest secret signs and seals, every secret verifies and opens.
 * Sub-keys are derived once at startup so the hot path does no KDF work.
 */
export class Keyring {
  private readonly derived: Record<KeyPurpose, DerivedKey[]>;

  constructor(secrets: readonly (string | Buffer)[]) {
    if (!Array.isArray(secrets) || secrets.length === 0) {
      throw new CustosError(
        'NO_SECRETS',
        'secrets must be a non-empty array, newest first. Generate one with `npx custos secret generate`.',
      );
    }
    const raw = secrets.map((secret, i) => {
      const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
      if (bytes.length < MIN_SECRET_BYTES) {
        throw new CustosError(
          'SECRET_TOO_SHORT',
          `secrets[${i}] is ${bytes.length} bytes; each secret needs at least ${MIN_SECRET_BYTES} bytes of randomness. Generate one with \`npx custos secret generate\`.`,
        );
      }
      return bytes;
    });
    const derive = (purpose: KeyPurpose): DerivedKey[] =>
      raw.map((ikm, index) => ({
        index,
        key: Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), `custos/v1/${purpose}`, 32)),
      }));
    this.derived = { mac: derive('mac'), seal: derive('seal'), csrf: derive('csrf'), log: derive('log') };
  }

  /** The key that signs or seals new values. */
  current(purpose: KeyPurpose): DerivedKey {
    return this.derived[purpose][0] as DerivedKey;
  }

  /** Every key, newest first, for verifying and opening. */
  all(purpose: KeyPurpose): readonly DerivedKey[] {
    return this.derived[purpose];
  }

  get size(): number {
    return this.derived.mac.length;
  }
}
