import express, { type NextFunction, type Request, type Response } from 'express';
import type { Registry } from 'prom-client';
import { csrf, enforceHttps, sessions } from '../src/adapters/express.js';
import { CustosError } from '../src/index.js';
import { type Bank, pageContext, securityHeaders } from './context.js';
import { accountRoutes } from './routes/account.js';
import { apiRoutes } from './routes/api.js';
import { authRoutes } from './routes/auth.js';
import { sessionRoutes } from './routes/sessions.js';
import { homePage, messagePage } from './views/pages.js';
import { STYLESHEET } from './views/style.js';

export interface BankAppOptions {
  readonly trustedProxies: readonly string[];
  /** In TLS mode, the public host (`name:port`): plain HTTP is redirected there, HTTPS gets HSTS. */
  readonly httpsHost: string | null;
  /** Served at `GET /metrics` (Prometheus text); null leaves the route out (`METRICS=0`). */
  readonly metrics?: Registry | null;
}

/** Seconds a client is told to wait when the session store is down (503). */
const RETRY_AFTER_SECONDS = '5';

/** The bank as an Express app, using custos only through its public Express adapter. */
export function createBankApp(bank: Bank, options: BankAppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  if (options.httpsHost) {
    app.use(enforceHttps({ host: options.httpsHost, trustedProxies: [...options.trustedProxies] }));
  }
  app.use(securityHeaders());

  app.get('/style.css', (_req, res) => {
    res.type('text/css').set('cache-control', 'public, max-age=300').send(STYLESHEET);
  });
  app.get('/favicon.ico', (_req, res) => {
    res.status(204).end();
  });
  // Before the session middleware: a health probe never needs (or creates) a session.
  app.get('/healthz', async (_req, res) => {
    const healthy = await bank.manager.isHealthy();
    if (!healthy) res.set('retry-after', RETRY_AFTER_SECONDS);
    res
      .status(healthy ? 200 : 503)
      .set('cache-control', 'no-store')
      .json({ status: healthy ? 'ok' : 'store unavailable' });
  });
  // Also before the sessions: a scrape never creates one. The text holds counters with fixed
  // reason labels only (no handle, user, IP or token), so the demo serves it openly; in
  // production put it behind auth or on an internal listener (operational data), or METRICS=0.
  const registry = options.metrics;
  if (registry) {
    app.get('/metrics', async (_req, res, next) => {
      try {
        const text = await registry.metrics();
        res.type(registry.contentType).set('cache-control', 'no-store').send(text);
      } catch (error) {
        next(error);
      }
    });
  }

  const adapterOptions = { trustedProxies: [...options.trustedProxies] };
  // passErrors: a store outage reaches errorHandler below (the HTML 503 page), not plain text.
  app.use(sessions(bank.manager, { ...adapterOptions, passErrors: true }));
  app.use(express.urlencoded({ extended: false, limit: '10kb' }));
  app.use(express.json({ limit: '10kb' }));
  app.use(csrf(bank.manager, adapterOptions));

  app.get('/', (req, res) => {
    res.send(homePage(pageContext(bank, req, res)));
  });
  app.use(authRoutes(bank));
  app.use(accountRoutes(bank));
  app.use(sessionRoutes(bank));
  app.use(apiRoutes(bank));

  app.use((req: Request, res: Response) => {
    if (req.path.startsWith('/api/')) res.status(404).json({ error: 'not found' });
    else res.status(404).send(messagePage(pageContext(bank, req, res), 'Not found', 'There is no such page.'));
  });
  app.use(errorHandler(bank));
  return app;
}

/**
 * Custos errors become their generic status (401 → sign-in page, 503 → "try again later");
 * anything else is a bare 500. No message, stack or internals ever reach the client.
 */
function errorHandler(bank: Bank) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) return;
    const status =
      error instanceof CustosError
        ? error.code === 'SESSION_DESTROYED'
          ? 401
          : error.status
        : ((error as { status?: number }).status ?? 500);
    const api = req.path.startsWith('/api/');
    res.set('cache-control', 'no-store');
    if (status === 503) res.set('retry-after', RETRY_AFTER_SECONDS);
    if (status === 401 && !api) {
      res.redirect(303, '/login');
      return;
    }
    const title =
      status === 503
        ? 'Service unavailable'
        : status === 401
          ? 'Not signed in'
          : status < 500
            ? 'Request refused'
            : 'Error';
    if (api) {
      res.status(status).json({ error: title.toLowerCase() });
      return;
    }
    const text =
      status === 503
        ? 'The session store is not answering. Please try again in a moment.'
        : status < 500
          ? 'The request could not be processed.'
          : 'Something went wrong on our side.';
    let page: string;
    try {
      page = messagePage(pageContext(bank, req, res), title, text);
    } catch {
      page = `<!doctype html><title>${title}</title><h1>${title}</h1><p>${text}</p>`;
    }
    res.status(status).type('html').send(page);
  };
}
