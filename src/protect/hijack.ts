import { samePrefix } from './ip-prefix.js';
import type { HijackOptions } from './options.js';

export type HijackReason = 'user-agent-changed' | 'ip-prefix-changed';

/**
 * Compares the client of this request with the one recorded when the session id was issued
 * (checklist OPT-1, CS Cookie Theft Mitigation). Only a signal: user agents update and mobile
 * clients change networks, so the policy decides what happens, not this function.
 */
export function detectHijack(
  recorded: { device: unknown; ip: unknown },
  current: { device: string | undefined; ip: string | undefined },
  options: Required<HijackOptions>,
): HijackReason | null {
  if (options.policy === 'off') return null;
  if (options.userAgent && typeof recorded.device === 'string' && recorded.device !== (current.device ?? '')) {
    return 'user-agent-changed';
  }
  if (
    typeof recorded.ip === 'string' &&
    current.ip !== undefined &&
    !samePrefix(recorded.ip, current.ip, options.ipv4Prefix, options.ipv6Prefix)
  ) {
    return 'ip-prefix-changed';
  }
  return null;
}
