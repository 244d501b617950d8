import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';
import { waitFor } from './wait.js';

export { freePort } from './ports.js';

/** Sends PING over a raw socket; true once the server answers PONG. */
export function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

/** Spawns the Debian `redis-server` on loopback without persistence and waits for PING. */
export async function spawnRedis(port: number, dir: string, extra: readonly string[] = []): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...extra],
    { stdio: 'ignore' },
  );
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new RedisExited(port, code))));
  exited.catch(() => {});
  await Promise.race([waitFor(`redis-server on port ${port}`, () => answersPing(port)), exited]);
  return child;
}

/** The server process ended before it answered, typically because its port was taken. */
class RedisExited extends Error {
  constructor(port: number, code: number | null) {
    super(`redis-server on port ${port} exited with ${code}`);
  }
}

/**
 * {@link spawnRedis} on a free port, and on another one if the server exits before answering: a
 * port free when checked can still be bound by another test process before redis-server binds it.
 * `extra` gives the arguments for a port (it may pick more ports itself).
 */
export async function spawnRedisOnFreePort(
  dir: string,
  extra: (port: number) => Promise<readonly string[]> = async () => [],
): Promise<{ child: ChildProcess; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return { child: await spawnRedis(port, dir, await extra(port)), port };
    } catch (error) {
      if (attempt === 3 || !(error instanceof RedisExited)) throw error;
    }
  }
}

/** Kills a server process hard (an outage, not a shutdown) and waits for it to be gone. */
export async function killRedis(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await gone;
}

/** A private redis-server for outage tests: stop it, start it again on the same port. */
export interface PrivateRedis {
  readonly port: number;
  readonly url: string;
  readonly running: boolean;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Freezes the process (SIGSTOP): connections stay open but nothing answers. */
  pause(): void;
  resume(): void;
  /** Stops the server and removes its temp dir. */
  dispose(): Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const dir = await mkdtemp(join(tmpdir(), 'custos-redis-'));
  const started = await spawnRedisOnFreePort(dir);
  const port = started.port;
  let child: ChildProcess | undefined = started.child;
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get running() {
      return child !== undefined;
    },
    async stop() {
      if (child) await killRedis(child);
      child = undefined;
    },
    async start() {
      if (!child) child = await spawnRedis(port, dir);
    },
    pause() {
      child?.kill('SIGSTOP');
    },
    resume() {
      child?.kill('SIGCONT');
    },
    async dispose() {
      child?.kill('SIGCONT');
      if (child) await killRedis(child);
      child = undefined;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
