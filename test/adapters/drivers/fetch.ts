import { csrf, enforceHttps, jsonOnly, sessions } from '../../../src/adapters/fetch.js';
import { matchScenarioRoute, SCENARIO_HTTPS_HOST, type ScenarioDriver } from '../../../src/testing/index.js';
import { fromFetchResponse } from './clients.js';

/** The Fetch adapter driven with plain `Request` objects, as Next.js, Bun or Deno would call it. */
export const fetchDriver: ScenarioDriver = {
  async start(manager, routes) {
    const handler = sessions(manager, async (request, session) => {
      const match = matchScenarioRoute(routes, request.method, new URL(request.url).pathname);
      if (!match) return new Response('Not found', { status: 404 });
      const run = async () => {
        // Fetch has no view layer: the handler asks the manager.
        const reply = await match.route.handle(session, match.params, { csrfToken: () => manager.csrfToken(session) });
        return Response.json(reply.body, { status: reply.status });
      };
      const guarded = () => (match.route.csrf ? csrf(manager, run)(request, session) : run());
      if (match.route.guard === 'jsonOnly') return jsonOnly(guarded)(request);
      if (match.route.guard === 'enforceHttps') return enforceHttps(guarded, { host: SCENARIO_HTTPS_HOST })(request);
      return guarded();
    });
    return {
      send: async (req) =>
        fromFetchResponse(
          await handler(
            new Request(`http://localhost${req.path}`, { method: req.method, headers: req.headers, body: req.body }),
          ),
        ),
      close: async () => {},
    };
  },
};
