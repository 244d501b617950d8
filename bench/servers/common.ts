import { once } from 'node:events';
import type { Server } from 'node:http';

/**
 * The four scenario routes every target serves (bare targets answer them without a session):
 *   GET /read   (a) read one field of an existing session
 *   GET /write  (b) change one field
 *   GET /new    (c) first visit: the client sends no cookie, one field is set, a session is created
 *   GET /login  (d) id rotation of the session the client presents
 */
export const ROUTES = ['/read', '/write', '/new', '/login'] as const;

/** The secret every custos target uses; 32+ bytes, benchmark only. */
export const BENCH_SECRET = 'bench-secret-0123456789abcdef0123456789abcdef';

/** Counters a target exposes to the runner (store commands, queries...). */
export type Stats = Record<string, number>;

export interface Running {
  server: Server;
  /** Store command counters, read by the runner before and after a counted batch. */
  stats?: () => Stats;
  close?: () => Promise<void>;
}

/** Thrown when a module a target needs has not landed yet: the runner prints "skipped". */
export class Skip extends Error {}

/**
 * Imports a custos module that may not exist yet (written by another engineer). The path is
 * relative to the repository root, without extension.
 */
export async function optionalModule<T = Record<string, unknown>>(pathFromRoot: string): Promise<T> {
  // Compiled servers (bench/.build) import compiled src; under tsx the .ts source is imported.
  const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  const url = new URL(`../../${pathFromRoot}.${ext}`, import.meta.url);
  try {
    return (await import(url.href)) as T;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'ENOENT') throw new Skip(`${pathFromRoot} not there yet`);
    throw error;
  }
}

/** Like optionalModule, for an npm package that may not be installed. */
export async function optionalPackage<T = Record<string, unknown>>(name: string): Promise<T> {
  try {
    return (await import(name)) as T;
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') throw new Skip(`package ${name} not installed`);
    throw error;
  }
}

/** A fresh key prefix / namespace per server process, so targets never see each other's data. */
export function uniqueName(label: string): string {
  return `bench_${label}_${process.pid}`;
}

/**
 * Starts a target in this (child) process and talks to the runner over IPC:
 * `{type:'ready', port}`, `{type:'skip', reason}`, `{type:'stats', stats}` on request.
 * SIGTERM / 'stop' exits cleanly so `--cpu-prof` writes its profile.
 */
export async function serve(start: () => Promise<Running>): Promise<void> {
  const send = (message: unknown) => (process.send ? process.send(message) : console.log(JSON.stringify(message)));
  let running: Running;
  try {
    running = await start();
  } catch (error) {
    if (error instanceof Skip) {
      send({ type: 'skip', reason: error.message });
      process.disconnect?.();
      return;
    }
    throw error;
  }
  if (!running.server.listening) {
    running.server.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
    await once(running.server, 'listening');
  }
  running.server.keepAliveTimeout = 60_000;
  const address = running.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const stop = async () => {
    running.server.closeAllConnections?.();
    running.server.close();
    await running.close?.().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('message', (message: { type?: string }) => {
    if (message?.type === 'stats') {
      const cpu = process.cpuUsage();
      send({ type: 'stats', stats: { ...(running.stats?.() ?? {}), cpuMicros: cpu.user + cpu.system } });
    } else if (message?.type === 'stop') void stop();
  });
  process.on('disconnect', () => void stop());
  send({ type: 'ready', port });
}
