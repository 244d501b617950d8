import { once } from 'node:events';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import request from 'supertest';
import type { ScenarioClient, ScenarioRequest, ScenarioResponse } from '../../../src/testing/index.js';

type RawHeaders = Record<string, string | string[] | number | undefined>;

/** Splits Node-style response headers into the Set-Cookie list and the rest. */
export function fromNodeHeaders(status: number, headers: RawHeaders, body: string): ScenarioResponse {
  const raw = headers['set-cookie'];
  const setCookie = raw === undefined ? [] : Array.isArray(raw) ? raw : [String(raw)];
  const rest: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name === 'set-cookie' || value === undefined) continue;
    rest[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return { status, setCookie, headers: rest, body };
}

/** A scenario client for a ready Fastify app, through `app.inject` (no socket). */
export function injectInto(
  app: FastifyInstance,
): (req: Omit<ScenarioRequest, 'headers'> & Partial<Pick<ScenarioRequest, 'headers'>>) => Promise<ScenarioResponse> {
  return async (req) => {
    const res = await app.inject({
      method: req.method as 'GET',
      url: req.path,
      headers: req.headers,
      payload: req.body,
    });
    return fromNodeHeaders(res.statusCode, res.headers, res.body);
  };
}

export async function fromFetchResponse(response: Response): Promise<ScenarioResponse> {
  const rest: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') rest[name] = value;
  });
  return {
    status: response.status,
    setCookie: response.headers.getSetCookie(),
    headers: rest,
    body: await response.text(),
  };
}

async function listen(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

async function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** Drives a real listening server with `node:http` requests (no client library in between). */
export async function realServerClient(server: Server): Promise<ScenarioClient> {
  const port = await listen(server);
  const agent = new http.Agent({ keepAlive: false, maxSockets: 200 });
  return {
    send: (req: ScenarioRequest) =>
      new Promise<ScenarioResponse>((resolve, reject) => {
        const outgoing = http.request(
          { host: '127.0.0.1', port, method: req.method, path: req.path, headers: req.headers, agent },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () =>
              resolve(fromNodeHeaders(res.statusCode ?? 0, res.headers, Buffer.concat(chunks).toString('utf8'))),
            );
            res.on('error', reject);
          },
        );
        outgoing.on('error', reject);
        outgoing.end(req.body);
      }),
    close: async () => {
      agent.destroy();
      await stop(server);
    },
  };
}

/** Drives an app through supertest, against one listening server for the whole test. */
export async function supertestClient(server: Server): Promise<ScenarioClient> {
  await listen(server);
  return {
    async send(req) {
      const method = req.method.toLowerCase() as 'get' | 'post';
      let test = request(server)[method](req.path);
      for (const [name, value] of Object.entries(req.headers)) test = test.set(name, value);
      const res = req.body === undefined ? await test : await test.send(req.body);
      return fromNodeHeaders(res.status, res.headers as RawHeaders, res.text);
    },
    close: () => stop(server),
  };
}
