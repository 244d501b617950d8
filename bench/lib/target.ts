import { type ChildProcess, execFileSync, fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

export type TargetKind = 'bare' | 'peer' | 'custos';

export interface TargetDef {
  /** File name under bench/servers, without extension. */
  readonly id: string;
  readonly label: string;
  readonly kind: TargetKind;
  /** Store commands are counted over MONITOR with this key-prefix stem (Redis targets). */
  readonly redis?: boolean;
  /** The target counts its own statements (SQLite, PostgreSQL) and reports them over IPC. */
  readonly counts?: boolean;
}

export type Started =
  | { readonly ok: true; readonly target: RunningTarget }
  | { readonly ok: false; readonly reason: string };

export interface RunningTarget {
  readonly def: TargetDef;
  readonly port: number;
  /** The server's process id (under valgrind too: it runs node in its own process). */
  readonly pid: number;
  readonly url: string;
  readonly prefix: string;
  stats(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

const benchDir = fileURLToPath(new URL('../', import.meta.url));

/**
 * Servers run as plain JavaScript compiled by tsc (bench/.build), so no loader hook or
 * transpiler helper sits on the hot path of custos (which is TypeScript) but not of the peers.
 * `BENCH_TSX=1` runs the .ts sources through tsx instead.
 */
const useTsx = process.env.BENCH_TSX === '1';

/** Compiles src + bench servers (incremental; type errors in unfinished files do not block emit). */
export function buildServers(): void {
  if (useTsx) return;
  try {
    execFileSync('npx', ['tsc', '-p', `${benchDir}tsconfig.json`], { stdio: 'ignore' });
  } catch {
    // tsc exits non-zero on type errors elsewhere in the tree but still emits.
  }
}

/**
 * Starts one target in its own process (the load generator stays in this one). `execArgv`
 * adds flags such as `--cpu-prof`; `wrapper` runs node under another program (valgrind), which
 * keeps the process id and passes the IPC channel through.
 */
export async function startTarget(
  def: TargetDef,
  execArgv: string[] = [],
  wrapper?: readonly string[],
): Promise<Started> {
  const prefix = `bench:${def.id}:${process.pid}:`;
  const file = useTsx ? `${benchDir}servers/${def.id}.ts` : `${benchDir}.build/bench/servers/${def.id}.js`;
  const nodeArgs = [...(useTsx ? ['--import', 'tsx'] : []), ...execArgv];
  const child: ChildProcess = fork(file, [], {
    ...(wrapper
      ? { execPath: wrapper[0], execArgv: [...wrapper.slice(1), process.execPath, ...nodeArgs] }
      : { execArgv: nodeArgs }),
    env: { ...process.env, BENCH_PREFIX: prefix, NODE_ENV: 'production' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const first = await new Promise<{ type: string; port?: number; reason?: string }>((resolve) => {
    const startLimit = wrapper ? 300_000 : 30_000;
    const timer = setTimeout(
      () => resolve({ type: 'skip', reason: `did not start within ${startLimit / 1000} s` }),
      startLimit,
    );
    child.once('message', (message) => {
      clearTimeout(timer);
      resolve(message as { type: string; port?: number; reason?: string });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ type: 'skip', reason: `exited with code ${code} before listening` });
    });
  });
  if (first.type !== 'ready' || !first.port) {
    if (child.exitCode === null) child.kill('SIGTERM');
    return { ok: false, reason: first.reason ?? 'did not start' };
  }
  const port = first.port;
  return {
    ok: true,
    target: {
      def,
      port,
      pid: child.pid as number,
      url: `http://127.0.0.1:${port}`,
      prefix,
      stats: () =>
        new Promise((resolve) => {
          const onMessage = (message: { type?: string; stats?: Record<string, number> }) => {
            if (message?.type !== 'stats') return;
            child.off('message', onMessage);
            resolve(message.stats ?? {});
          };
          child.on('message', onMessage);
          child.send({ type: 'stats' });
        }),
      stop: async () => {
        if (child.exitCode !== null) return;
        const exited = once(child, 'exit');
        child.send({ type: 'stop' });
        const timer = setTimeout(() => child.kill('SIGKILL'), wrapper ? 60_000 : 10_000);
        await exited;
        clearTimeout(timer);
      },
    },
  };
}
