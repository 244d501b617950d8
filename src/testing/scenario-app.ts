import type { SessionManager } from '../core/manager.js';
import type { Session } from '../core/session.js';

/** Session data of the scenario app: any key, any JSON value. */
export type ScenarioData = Record<string, unknown>;
export type ScenarioSession = Session<ScenarioData>;

/** What a route handler answers; drivers send `body` as JSON with `status`. */
export interface ScenarioReply {
  readonly status: number;
  readonly body: unknown;
}

/** What the framework hands a view (template) on a route behind its CSRF protection. */
export interface ScenarioView {
  /**
   * The CSRF token as a template would read it: from a copy of `res.locals` (Express,
   * node:http), `reply.locals` (Fastify), `ctx.state` (Koa), or `c.get('csrfToken')?.()` (Hono);
   * `manager.csrfToken(session)` on Fetch, which has no view layer.
   */
  csrfToken(): string | undefined;
}

/** Guards a route can sit behind, mounted by the driver with its adapter's own `jsonOnly` / `enforceHttps`. */
export type ScenarioGuard = 'jsonOnly' | 'enforceHttps';

/**
 * The `host` drivers pass to `enforceHttps` on routes guarded by it.
 *
 * @example
 * ```ts
 * import { enforceHttps } from 'custos/express';
 * import { SCENARIO_HTTPS_HOST } from 'custos/testing';
 *
 * const guards = { enforceHttps: enforceHttps({ host: SCENARIO_HTTPS_HOST }) };
 * ```
 */
export const SCENARIO_HTTPS_HOST = 'app.example';

/**
 * One route of the app under test. Drivers mount every route with their framework's router
 * (or `matchScenarioRoute` where the framework has none) and pass the request's session in.
 */
export interface ScenarioRoute {
  readonly method: 'GET' | 'POST';
  /** Express-style path: `/set/:key/:value`. */
  readonly path: string;
  /** Mount the adapter's CSRF protection in front of this route. */
  readonly csrf: boolean;
  /** Mount the adapter's guard in front of this route (`enforceHttps({ host: SCENARIO_HTTPS_HOST })`). */
  readonly guard?: ScenarioGuard;
  /** `view`: drivers pass it on every route; the suite reads it where `csrf` is true. */
  handle(
    session: ScenarioSession,
    params: Readonly<Record<string, string>>,
    view?: ScenarioView,
  ): Promise<ScenarioReply>;
}

export interface ScenarioRequest {
  readonly method: string;
  /** Path and query, e.g. `/set/color/blue`. */
  readonly path: string;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface ScenarioResponse {
  readonly status: number;
  /** Every `Set-Cookie` value, in order. */
  readonly setCookie: readonly string[];
  /** Other headers, lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface ScenarioClient {
  send(request: ScenarioRequest): Promise<ScenarioResponse>;
  /** Stops servers the driver started. */
  close(): Promise<void>;
}

/**
 * How an adapter plugs into the scenario suite: build an app with that framework's idioms
 * (its session middleware, its CSRF protection on routes with `csrf: true`, its error mapping),
 * mount `routes`, and return a client that drives it with the framework's own test tooling.
 */
export interface ScenarioDriver {
  start(manager: SessionManager<ScenarioData>, routes: readonly ScenarioRoute[]): Promise<ScenarioClient>;
}

const ok = (body: unknown = { ok: true }): ScenarioReply => ({ status: 200, body });

/**
 * The fixed route set every adapter serves in the scenarios.
 *
 * @example
 * ```ts
 * import { scenarioRoutes } from 'custos/testing';
 *
 * for (const route of scenarioRoutes(manager)) console.log(route.method, route.path, route.csrf ? '(csrf)' : '');
 * ```
 */
export function scenarioRoutes(manager: SessionManager<ScenarioData>): ScenarioRoute[] {
  return [
    {
      method: 'GET',
      path: '/read',
      csrf: false,
      handle: async (session) =>
        ok({ data: session.toJSON(), userId: session.userId, authenticated: session.isAuthenticated }),
    },
    {
      method: 'POST',
      path: '/set/:key/:value',
      csrf: false,
      handle: async (session, params) => {
        session.set(params.key as string, params.value);
        return ok();
      },
    },
    {
      method: 'POST',
      path: '/login/:user',
      csrf: false,
      handle: async (session, params) => {
        await session.login(params.user as string, { keep: ['cart'] });
        return ok();
      },
    },
    {
      method: 'POST',
      path: '/logout',
      csrf: false,
      handle: async (session) => {
        await session.destroy();
        return ok();
      },
    },
    {
      method: 'POST',
      path: '/inc',
      csrf: false,
      handle: async (session) => ok({ n: await session.update('n', (n) => (typeof n === 'number' ? n : 0) + 1) }),
    },
    { method: 'GET', path: '/csrf', csrf: false, handle: async (session) => ok({ token: manager.csrfToken(session) }) },
    {
      method: 'GET',
      path: '/view',
      csrf: true,
      handle: async (_session, _params, view) => ok({ token: view?.csrfToken() ?? null }),
    },
    {
      method: 'GET',
      path: '/account',
      csrf: false,
      handle: async (session) => {
        session.requireFreshAuth();
        return ok();
      },
    },
    { method: 'POST', path: '/json', csrf: false, guard: 'jsonOnly', handle: async () => ok() },
    { method: 'GET', path: '/secure', csrf: false, guard: 'enforceHttps', handle: async () => ok() },
    { method: 'POST', path: '/secure', csrf: false, guard: 'enforceHttps', handle: async () => ok() },
    {
      method: 'POST',
      path: '/protected',
      csrf: true,
      handle: async (session) => {
        session.set('protected', 'ran');
        return ok();
      },
    },
  ];
}

/**
 * Route lookup for frameworks without a router (node:http, Fetch, Koa).
 *
 * @example
 * ```ts
 * import { matchScenarioRoute } from 'custos/testing';
 *
 * const match = matchScenarioRoute(routes, 'POST', '/set/color/blue?x=1');
 * // match?.route.path === '/set/:key/:value', match?.params → { key: 'color', value: 'blue' }
 * ```
 */
export function matchScenarioRoute(
  routes: readonly ScenarioRoute[],
  method: string,
  url: string,
): { route: ScenarioRoute; params: Record<string, string> } | null {
  const path = (url.split('?')[0] ?? '').split('/');
  for (const route of routes) {
    if (route.method !== method.toUpperCase()) continue;
    const pattern = route.path.split('/');
    if (pattern.length !== path.length) continue;
    const params: Record<string, string> = {};
    const matches = pattern.every((part, i) => {
      const actual = path[i] as string;
      if (part.startsWith(':')) {
        params[part.slice(1)] = decodeURIComponent(actual);
        return actual.length > 0;
      }
      return part === actual;
    });
    if (matches) return { route, params };
  }
  return null;
}
