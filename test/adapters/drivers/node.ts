import http from 'node:http';
import { withCsrf, withSessions } from '../../../src/adapters/node.js';
import { matchScenarioRoute, type ScenarioDriver, type ScenarioSession } from '../../../src/testing/index.js';
import { realServerClient } from './clients.js';

/** Plain `node:http` on a real listening port. */
export const nodeDriver: ScenarioDriver = {
  async start(manager, routes) {
    const send = (res: http.ServerResponse, status: number, body: string, type = 'application/json') => {
      // statusCode + end() rather than writeHead(): headers passed to writeHead() leave before the
      // commit, so a failed commit could no longer turn the answer into a 503.
      res.statusCode = status;
      res.setHeader('content-type', type);
      res.end(body);
    };
    const handler = withSessions(manager, async (req, res) => {
      const match = matchScenarioRoute(routes, req.method ?? 'GET', req.url ?? '/');
      if (!match) return send(res, 404, 'Not found', 'text/plain');
      const run = async () => {
        const reply = await match.route.handle(req.session as unknown as ScenarioSession, match.params);
        send(res, reply.status, JSON.stringify(reply.body));
      };
      if (match.route.csrf) await withCsrf(manager, run)(req, res);
      else await run();
    });
    return realServerClient(http.createServer(handler));
  },
};
