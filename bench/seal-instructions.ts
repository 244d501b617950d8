/**
 * What one sealed field costs, in instructions (valgrind callgrind), next to the parts of
 * node:crypto's AES-256-GCM it is made of. A write request seals the changed field, so this is
 * the floor under scenario (b) (BENCHMARKS.md, "What the profiles show").
 *
 *   npx tsx bench/seal-instructions.ts        (about two minutes, one core)
 *
 * Each operation runs in its own process under callgrind twice, with two loop lengths after the
 * same warm-up; the difference divided by the extra iterations is the cost of one operation, with
 * start-up, module loading and JIT warm-up cancelled out.
 */
import { execFileSync } from 'node:child_process';
import { createCipheriv } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Keyring } from '../src/crypto/keyring.js';
import { seal } from '../src/crypto/seal.js';
import { callgrindWrapper, instructionsIn } from './lib/callgrind.js';
import { BENCH_SECRET } from './servers/common.js';

const OPERATIONS = {
  'loop only (baseline)': () => 0,
  'createCipheriv("aes-256-gcm") alone': (i: number) => (createCipheriv('aes-256-gcm', key, nonce) ? i : 0),
  'createCipheriv + setAAD + update + final + getAuthTag': (i: number) => {
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const body = cipher.update(String(i), 'utf8');
    cipher.final();
    return body.length + cipher.getAuthTag().length;
  },
  'custos seal() of one small field': (i: number) => seal(keyring, String(i), aad).length,
} as const;
type Operation = keyof typeof OPERATIONS;

const keyring = new Keyring([BENCH_SECRET]);
const key = keyring.current('seal').key;
const nonce = Buffer.alloc(12);
const aad = 'K3yExampleRecordId0001\u0000n';
const WARMUP = 20_000;
const SHORT = 10_000;
const LONG = 30_000;

function child(operation: Operation, iterations: number): void {
  const run = OPERATIONS[operation];
  let sink = 0;
  for (let i = 0; i < WARMUP + iterations; i++) sink += run(i);
  if (sink < 0) console.log(sink); // keeps the loop from being optimised away
}

/** Instructions the whole process executed for `iterations` calls after the warm-up. */
function collected(operation: Operation, iterations: number, dir: string): number {
  const runDir = mkdtempSync(join(dir, 'run-'));
  const [valgrind, ...valgrindArgs] = callgrindWrapper(runDir) as [string, ...string[]];
  execFileSync(
    valgrind,
    [
      ...valgrindArgs,
      process.execPath,
      // As in bench/instructions.ts: no background compiler thread finishing work at random times.
      '--no-concurrent-recompilation',
      '--import',
      'tsx',
      fileURLToPath(import.meta.url),
      '--child',
      operation,
      String(iterations),
    ],
    { stdio: 'ignore' },
  );
  const [file] = readdirSync(runDir);
  if (!file) throw new Error(`callgrind wrote nothing for ${operation}`);
  return instructionsIn(join(runDir, file));
}

if (process.argv[2] === '--child') {
  child(process.argv[3] as Operation, Number(process.argv[4]));
} else {
  const dir = mkdtempSync(join(os.tmpdir(), 'custos-seal-'));
  try {
    console.log('| operation | instructions per call |\n|---|--:|');
    for (const operation of Object.keys(OPERATIONS) as Operation[]) {
      const short = collected(operation, SHORT, dir);
      const long = collected(operation, LONG, dir);
      console.log(`| ${operation} | ${Math.round((long - short) / (LONG - SHORT)).toLocaleString('en-US')} |`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
