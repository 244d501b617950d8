import { warnOnce } from '../vocabulary/warn-once.js';

/**
 * Runs a recording step and keeps its failure out of the request: the OpenTelemetry
 * specification forbids the API and SDK to throw, but a broken or custom provider can, and a
 * span that cannot be recorded must not turn a working store call into an outage. The failure is
 * not silent: it is printed once per process.
 */
export function guarded(step: () => void): void {
  try {
    step();
  } catch {
    warnOnce(
      'otel-recording-failed',
      'custos/otel: the OpenTelemetry tracer or meter threw while recording; sessions keep working, but spans or metrics are missing. Check the SDK setup passed to createTelemetry() or registered globally.',
    );
  }
}
