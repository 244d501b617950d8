import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { enforceHttps } from '../src/adapters/express.js';
import { createSessions, type SessionEvent } from '../src/index.js';
import { createMetrics } from '../src/metrics/index.js';
import { isCookieStore } from '../src/stores/cookie/index.js';
import { createBankApp } from './app.js';
import { createAttackerServer } from './attacker.js';
import { type DemoEnv, readConfig } from './config.js';
import type { Bank, BankData } from './context.js';
import { Ledger } from './ledger.js';
import { loadSecrets } from './secrets.js';
import { storeFromUrl } from './store-from-url.js';
import { LoginThrottle } from './throttle.js';
import { UserDirectory } from './users.js';

export interface StartDemoOptions {
  /** Bank port; 0 picks a free one. @default PORT or 3000 */
  port?: number;
  /** Hostile-site port; 0 picks a free one, false turns it off. @default ATTACKER_PORT or 3001 */
  attackerPort?: number | false;
  /** Plain-HTTP redirect port in TLS mode; 0 picks a free one. @default HTTP_PORT */
  httpPort?: number;
  /** The environment to read (the contract's variables). @default process.env */
  env?: DemoEnv;
  /** Where start-up warnings and security events go. @default silent */
  log?: (line: string) => void;
}

export interface RunningDemo {
  readonly bankUrl: string;
  /** Which store the sessions live in, without credentials. */
  readonly store: string;
  /** The hostile site, or null when turned off. */
  readonly attackerUrl: string | null;
  /** The plain-HTTP redirector in TLS mode, or null. */
  readonly redirectUrl: string | null;
  /** `GET /metrics` (Prometheus text), or null with `METRICS=0`. */
  readonly metricsUrl: string | null;
  readonly bank: Bank;
  close(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function stop(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** How a browser should address a listener: loopback and wildcard binds are shown as localhost. */
function publicHost(host: string): string {
  return ['localhost', '127.0.0.1', '::1', '::', '0.0.0.0', ''].includes(host) ? 'localhost' : host;
}

/** One line per security event: type, reason, user. Never a token or session data (checklist STO-05). */
function describeEvent(event: SessionEvent): string {
  return `[custos] ${event.type}${event.reason ? ` (${event.reason})` : ''}${event.userId ? ` user=${event.userId}` : ''}`;
}

/** Starts the bank (and the hostile site) as the contract describes; `close()` stops everything. */
export async function startDemo(options: StartDemoOptions = {}): Promise<RunningDemo> {
  const config = readConfig(options.env ?? process.env);
  const log = options.log ?? (() => {});
  const opened = await storeFromUrl(config.store, { dataDir: config.dataDir });
  const servers: Server[] = [];
  const timers: NodeJS.Timeout[] = [];
  try {
    const secrets = loadSecrets(config.secrets, config.dataDir, log);
    const users = await UserDirectory.seeded();
    const tls = config.tls;
    const bankServer: Server = tls
      ? (createHttpsServer({ cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) }) as unknown as Server)
      : createHttpServer();
    servers.push(bankServer);
    const port = await listen(bankServer, options.port ?? config.port, config.host);
    const bankUrl = `${tls ? 'https' : 'http'}://${publicHost(config.host)}:${port}`;

    // A registry per running bank (tests start several in one process; the global one would clash).
    const metrics = config.metrics ? createMetrics({ registry: new Registry() }) : null;
    const manager = createSessions<BankData>({
      secrets,
      store: metrics ? metrics.wrapStore(opened.store) : opened.store,
      idleTimeout: config.idleTimeout,
      absoluteTimeout: config.absoluteTimeout,
      freshAuth: config.freshAuth,
      // The demo contract (DESIGN.md): no cap unless CUSTOS_MAX_SESSIONS_PER_USER is set.
      maxSessionsPerUser: config.maxSessionsPerUser ?? Number.POSITIVE_INFINITY,
      onMaxSessions: 'evict-oldest',
      protect: { origins: config.origins ?? [bankUrl] },
      onEvent: (event) => {
        metrics?.onEvent(event);
        log(describeEvent(event));
      },
    });
    const bank: Bank = {
      manager,
      users,
      ledger: new Ledger(),
      throttle: new LoginThrottle(),
      sealedCookies: isCookieStore(opened.store),
    };
    const httpsHost = tls ? new URL(bankUrl).host : null;
    const app = createBankApp(bank, {
      trustedProxies: config.trustedProxies,
      httpsHost,
      metrics: metrics?.registry ?? null,
    });
    bankServer.on('request', app);
    const purge = setInterval(() => manager.purgeExpired({ maxBatches: 10 }).catch(() => {}), 60_000);
    purge.unref();
    timers.push(purge);

    let redirectUrl: string | null = null;
    const httpPort = options.httpPort ?? tls?.httpPort ?? null;
    if (httpsHost && httpPort !== null) {
      // custos' enforceHttps: GET/HEAD → 308 to the configured host (never the request's Host),
      // other methods → 403 so a form body is not replayed over plain HTTP.
      const toHttps = enforceHttps({ host: httpsHost });
      const redirector = createHttpServer((req, res) => toHttps(req, res, () => res.end()));
      servers.push(redirector);
      const actual = await listen(redirector, httpPort, config.host);
      redirectUrl = `http://${publicHost(config.host)}:${actual}`;
    }

    let attackerUrl: string | null = null;
    const attackerPort = options.attackerPort ?? config.attackerPort ?? false;
    if (attackerPort !== false) {
      const attacker = createAttackerServer(() => bankUrl);
      servers.push(attacker);
      const actual = await listen(attacker, attackerPort, '127.0.0.1');
      attackerUrl = `http://127.0.0.1:${actual}`;
    }

    return {
      bankUrl,
      store: opened.description,
      attackerUrl,
      redirectUrl,
      metricsUrl: metrics ? `${bankUrl}/metrics` : null,
      bank,
      close: async () => {
        for (const timer of timers) clearInterval(timer);
        await Promise.all(servers.map(stop));
        await opened.close();
      },
    };
  } catch (error) {
    for (const timer of timers) clearInterval(timer);
    await Promise.all(servers.filter((s) => s.listening).map(stop));
    await opened.close();
    throw error;
  }
}
