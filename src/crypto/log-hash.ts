import { createHmac } from 'node:crypto';
import type { Keyring } from './keyring.js';

/** 128 bits: enough that two sessions never share a value in one deployment's logs. */
const SID_HASH_BYTES = 16;

/**
 * The keyed hash events carry in place of a session's handle (checklist STO-05). Keyed with
 * the `log` sub-key of the newest secret, so nobody without the secret can test a guessed or
 * stolen handle against a log line; rotating the secrets changes every value, which is the
 * point of rotation.
 */
export function sessionLogHash(keyring: Keyring, handle: string): string {
  return createHmac('sha256', keyring.current('log').key)
    .update(handle, 'utf8')
    .digest()
    .subarray(0, SID_HASH_BYTES)
    .toString('base64url');
}
