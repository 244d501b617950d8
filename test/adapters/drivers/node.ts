import http from 'node:http';
import { csrf, enforceHttps, jsonOnly, sessions } from '../../../src/adapters/node.js';
import {
  matchScenarioRoute,
  SCENARIO_HTTPS_HOST,
  type ScenarioDriver,
  type ScenarioSession,
} from '../../../src/testing/index.js';
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
    const guards = { jsonOnly: jsonOnly(), enforceHttps: enforceHttps({ host: SCENARIO_HTTPS_HOST }) };
    const handler = sessions(manager, async (req, res) => {
      const match = matchScenarioRoute(routes, req.method ?? 'GET', req.url ?? '/');
      if (!match) return send(res, 404, 'Not found', 'text/plain');
      const run = async () => {
        // As in Express: a template gets a copy of res.locals.
        const locals = () => ({ ...(res as { locals?: Record<string, unknown> }).locals });
        const view = { csrfToken: () => locals().csrfToken as string | undefined };
        const reply = await match.route.handle(req.session as unknown as ScenarioSession, match.params, view);
        send(res, reply.status, JSON.stringify(reply.body));
      };
      const guarded = async () => (match.route.csrf ? csrf(manager, run)(req, res) : run());
      const guard = match.route.guard;
      if (guard)
        await new Promise<void>((resolve, reject) => {
          guards[guard](req, res, () => guarded().then(resolve, reject));
          // A refusing guard ends the response without calling next.
          res.once('finish', resolve);
        });
      else await guarded();
    });
    return realServerClient(http.createServer(handler));
  },
};
