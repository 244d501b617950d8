/** A hand-driven clock for expiry tests: no test waits for real time to pass. */
export function manualClock(start = Date.UTC(2026, 0, 1)) {
  let now = start;
  const clock = () => now;
  clock.advance = (ms: number) => {
    now += ms;
  };
  clock.set = (ms: number) => {
    now = ms;
  };
  return clock;
}

export const SECRET_A = 'a'.repeat(16) + '-test-secret-A-0123456789';
export const SECRET_B = 'b'.repeat(16) + '-test-secret-B-0123456789';
