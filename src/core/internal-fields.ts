/** Sealed fields the core keeps for itself; user keys can never start with `$`. */
export const INTERNAL = {
  /** Synchronizer CSRF secret (checklist CSRF-02). */
  csrf: '$csrf',
  /** User-agent summary for device lists. */
  device: '$ua',
  /** Client address at creation (for device lists and hijack signals). */
  ip: '$ip',
  /** Authentication state and factors, e.g. `{"aal":1,"amr":["pwd"]}` (checklist FIX-03, FIX-05). */
  auth: '$auth',
} as const;
