import { hkdfSync } from 'node:crypto';
import { hkdfInfo, MIN_SECRET_BYTES, secretBytes } from './secret-rules.js';

/** What one secret is used for; HKDF gives each purpose its own key (DESIGN decision 2). */
export type KeyPurpose = 'mac' | 'seal' | 'csrf' | 'log';

export interface DerivedKey {
  /** Position in the keyring: 0 is the newest. */
  readonly index: number;
  readonly key: Buffer;
}

export { MIN_SECRET_BYTES };

/**
 * The keyring: the newest secret signs and seals, every secret verifies and opens.
 * Sub-keys are derived once at startup so the hot path does no KDF work.
 */
export class Keyring {
  private readonly derived: Record<KeyPurpose, DerivedKey[]>;

  constructor(secrets: readonly (string | Buffer)[]) {
    const raw = secretBytes(secrets, (secret) =>
      typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret as Buffer),
    );
    const derive = (purpose: KeyPurpose): DerivedKey[] =>
      raw.map((ikm, index) => ({
        index,
        key: Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), hkdfInfo(purpose), 32)),
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
