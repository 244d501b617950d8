import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * valgrind's callgrind counts the instructions a process executes, not seconds: the count for the
 * same binary, inputs and warm-up does not move when other processes compete for the CPU, so it
 * compares targets on a busy or throttled machine where req/s cannot (bench/instructions.ts).
 * Counting starts off; the harness zeroes the counters after the warm-up and dumps them after the
 * measured requests, so start-up and JIT warm-up never enter the figure.
 */
export function callgrindWrapper(outDir: string): string[] {
  return [
    'valgrind',
    '--tool=callgrind',
    '--quiet',
    // V8 writes and rewrites machine code at run time.
    '--smc-check=all-non-file',
    `--callgrind-out-file=${join(outDir, 'callgrind.%p.out')}`,
  ];
}

function control(pid: number, flag: string): void {
  execFileSync('callgrind_control', [flag, String(pid)], { stdio: 'ignore' });
}

/** Sets the counters of a running callgrind process to zero. */
export function zeroCounters(pid: number): void {
  control(pid, '-z');
}

/**
 * Dumps the counters and returns the instructions executed since the last zero (every thread of
 * the process: the JavaScript thread, the garbage collector's and libuv's).
 */
export function dumpInstructions(pid: number, outDir: string): number {
  const before = new Set(readdirSync(outDir));
  control(pid, '-d');
  const dumps = readdirSync(outDir)
    .filter((f) => f.startsWith(`callgrind.${pid}.out.`) && !before.has(f))
    .sort((a, b) => statSync(join(outDir, b)).mtimeMs - statSync(join(outDir, a)).mtimeMs);
  const file = dumps[0];
  if (!file) throw new Error(`callgrind wrote no dump for process ${pid}`);
  return instructionsIn(join(outDir, file));
}

/** The instructions counted in one callgrind output file (a dump or the file written at exit). */
export function instructionsIn(file: string): number {
  const total = /^(?:summary|totals):\s+(\d+)/m.exec(readFileSync(file, 'utf8'));
  if (!total?.[1]) throw new Error(`no instruction total in ${file}`);
  return Number(total[1]);
}
