import { withCsrf, withSessions } from '../../../src/adapters/fetch.js';
import { matchScenarioRoute, type ScenarioDriver } from '../../../src/testing/index.js';
import { fromFetchResponse } from './clients.js';

/** The Fetch adapter driven with plain `Request` objects, as Next.js, Bun or Deno would call it. */
export const fetchDriver: ScenarioDriver = {
  async start(manager, routes) {
    const handler = withSessions(manager, async (request, session) => {
      const match = matchScenarioRoute(routes, request.method, new URL(request.url).pathname);
      if (!match) return new Response('Not found', { status: 404 });
      const run = async () => {
        const reply = await match.route.handle(session, match.params);
        return Response.json(reply.body, { status: reply.status });
      };
      return match.route.csrf ? withCsrf(manager, run)(request, session) : run();
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
