import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The address the proxy connects from: a second loopback address, so it differs from the client's 127.0.0.1. */
export const PROXY_ADDRESS = '127.0.0.2';

export interface ForwardingProxy {
  readonly port: number;
  close(): Promise<void>;
}

const append = (existing: string | string[] | undefined, value: string) => {
  const before = Array.isArray(existing) ? existing.join(', ') : existing;
  return before ? `${before}, ${value}` : value;
};

/**
 * A reverse proxy like a PaaS router or an nginx with `proxy_add_x_forwarded_for`: it appends
 * the client's address, the scheme it was reached over (`scheme`, as if it had terminated TLS)
 * and the Host to whatever X-Forwarded-* the client already sent, and keeps the Host.
 */
export async function startForwardingProxy(targetPort: number, scheme: 'http' | 'https'): Promise<ForwardingProxy> {
  const server: Server = http.createServer((req, res) => {
    const headers = { ...req.headers };
    headers['x-forwarded-for'] = append(req.headers['x-forwarded-for'], req.socket.remoteAddress ?? '');
    headers['x-forwarded-proto'] = append(req.headers['x-forwarded-proto'], scheme);
    headers['x-forwarded-host'] = append(req.headers['x-forwarded-host'], req.headers.host ?? '');
    const upstream = http.request(
      { host: '127.0.0.1', port: targetPort, localAddress: PROXY_ADDRESS, method: req.method, path: req.url, headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      res.statusCode = 502;
      res.end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface ProxiedAnswer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** A plain-HTTP client on 127.0.0.1 talking to the proxy. */
export function sendThrough(
  port: number,
  options: { method?: string; path: string; headers?: Record<string, string> },
): Promise<ProxiedAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: options.headers,
        agent: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}
