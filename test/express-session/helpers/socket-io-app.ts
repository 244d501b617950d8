import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import custosSession from '../../../src/adapters/express-session/index.js';
import { README_SECRET, readmeApp } from './readme-app.js';

export interface SocketApp {
  /** The app's origin, e.g. `http://127.0.0.1:4321` (HTTP routes and socket.io share it). */
  readonly url: string;
  close(): Promise<void>;
}

/** What the server's `whoami` handler answers from `socket.request`. */
export interface Whoami {
  user: string | null;
  sessionID: string | null;
  /** The user found by looking the session up in `req.sessionStore` by `req.sessionID`. */
  stored: string | null;
}

type Lookup = (sid: string, cb: (error: unknown, data?: { user?: string | null } | null) => void) => void;

/**
 * The README login app and a socket.io server on one HTTP server, joined the way socket.io's
 * own guide does it: `io.engine.use(sessionMiddleware)`, so each handshake request (polling or
 * WebSocket upgrade) carries `req.session`, read later as `socket.request.session`.
 */
export async function startSocketApp(options: Record<string, unknown> = {}): Promise<SocketApp> {
  const sessionMiddleware = custosSession({
    secret: README_SECRET,
    resave: false,
    saveUninitialized: false,
    ...options,
  });
  const app = readmeApp(() => sessionMiddleware);
  const server = createServer(app);
  const io = new Server(server);
  io.engine.use(sessionMiddleware);
  io.on('connection', (socket) => {
    socket.on('whoami', (reply: (answer: Whoami) => void) => {
      const req = socket.request as typeof socket.request & {
        session?: { id?: string; user?: string | null };
        sessionID: string;
        sessionStore: { get: Lookup };
      };
      // What apps do to re-read a session from a socket handler: look it up by req.sessionID.
      req.sessionStore.get(req.sessionID, (error, data) => {
        reply({
          user: req.session?.user ?? null,
          sessionID: req.session?.id ?? null,
          stored: error ? `error: ${String(error)}` : (data?.user ?? null),
        });
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    // io.close() closes every socket.io connection and the HTTP server underneath.
    close: () => new Promise<void>((resolve, reject) => io.close((error) => (error ? reject(error) : resolve()))),
  };
}
