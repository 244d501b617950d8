/** A configuration warning raised once the manager exists (event reason + once-per-process warning). */
export interface CompatWarning {
  code: string;
  reason: string;
  message: string;
}

/**
 * express-session's `saveUninitialized`, default included: unset means `true`, as there. Apps
 * written against that default rely on it without saying so (a `req.sessionID` that stays the same
 * across an anonymous visitor's requests keys carts, socket.io rooms and rate limits), and would
 * break silently on `false`. The default is still worth leaving, so express-session's own
 * "undefined saveUninitialized option" deprecation becomes a warning that names the fix. The
 * memory store's budget for anonymous sessions keeps a flood of them from evicting signed-in users.
 */
export function resolveSaveUninitialized(value: unknown): {
  saveUninitialized: boolean;
  warning: CompatWarning | null;
} {
  // Read as express-session reads it: any truthy value stores new sessions.
  if (value !== undefined) return { saveUninitialized: Boolean(value), warning: null };
  return {
    saveUninitialized: true,
    warning: {
      code: 'CUSTOS_SAVE_UNINITIALIZED_DEFAULT',
      reason: 'save-uninitialized-default',
      message:
        'saveUninitialized is unset, so it defaults to true as in express-session: every visitor gets a stored session and a cookie, even one nothing was written for (bots, visitors who have not consented). Set saveUninitialized: false to store a session only once the app writes to it, or saveUninitialized: true to keep the current behaviour without this warning.',
    },
  };
}
