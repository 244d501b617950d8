import http from 'node:http';
import { toRequestLike, withSessions } from '../../../src/adapters/node.js';
import { matchScenarioRoute, type ScenarioDriver, type ScenarioSession } from '../../../src/testing/index.js';
import { realServerClient } from './clients.js';

/** Plain `node:http` on a real listening port. */
export const nodeDriver: ScenarioDriver = {
  async start(manager, routes) {
    const handler = withSessions(manager, async (req, res) => {
      const match = matchScenarioRoute(routes, req.method ?? 'GET', req.url ?? '/');
      // statusCode + end() rather than writeHead(): headers passed to writeHead() leave before the
      // commit, so a failed commit could no longer turn the answer into a 503.
      const send = (status: number, body: string, type = 'application/json') => {
        res.statusCode = status;
        res.setHeader('content-type', type);
        res.end(body);
      };
      if (!match) return send(404, 'Not found', 'text/plain');
      const session = req.session as unknown as ScenarioSession;
      if (match.route.csrf && !manager.verifyCsrf(toRequestLike(req), session).ok) {
        return send(403, 'Forbidden', 'text/plain');
      }
      const reply = await match.route.handle(session, match.params);
      send(reply.status, JSON.stringify(reply.body));
    });
    return realServerClient(http.createServer(handler));
  },
};
