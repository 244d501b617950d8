/**
 * A progress bar on an interactive terminal (stderr), silent otherwise: scripts and logs get one
 * summary line from the command instead of carriage-return noise.
 */
export interface Progress {
  update(done: number): void;
  finish(): void;
}

const WIDTH = 30;
const REDRAW_MS = 100;

export function progress(
  label: string,
  total: number | undefined,
  stream: NodeJS.WriteStream = process.stderr,
): Progress {
  if (!stream.isTTY) return { update() {}, finish() {} };
  let last = 0;
  let current = 0;
  const draw = () => {
    if (total !== undefined && total > 0) {
      const ratio = Math.min(1, current / total);
      const filled = Math.round(ratio * WIDTH);
      stream.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${current}/${total}`);
    } else {
      stream.write(`\r${label} ${current}`);
    }
  };
  return {
    update(done) {
      current = done;
      const now = Date.now();
      if (now - last >= REDRAW_MS) {
        last = now;
        draw();
      }
    },
    finish() {
      draw();
      stream.write('\n');
    },
  };
}
