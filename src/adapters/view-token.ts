/**
 * Puts the CSRF token where the framework's views read their data (`res.locals`, `reply.locals`,
 * `ctx.state`) as a getter: a page that never shows a form costs no token (no session secret,
 * no visitor cookie). Enumerable, because template engines receive a copy of the locals
 * (`{ ...res.locals }` in Express 5, `Object.assign` in koa-views and @fastify/view), and a copy
 * keeps only enumerable properties.
 */
export function exposeCsrfToken(
  holder: { locals?: unknown } | object,
  key: 'locals' | 'state',
  token: () => string,
): void {
  const target = holder as Record<string, Record<string, unknown> | null | undefined>;
  const bag = (target[key] ??= {});
  Object.defineProperty(bag, 'csrfToken', { get: token, enumerable: true, configurable: true });
}
