import { afterEach, beforeEach, describe, it } from 'vitest';
import { createTelemetry } from '../../src/otel/index.js';
import { memoryStore } from '../../src/stores/memory/index.js';
import { runStoreConformance } from '../../src/testing/store-conformance.js';
// Runs under the same context manager as the other custos/otel files.
import './otel-fixture.js';
import { RecordingMeter, RecordingTracer } from './recorder.js';

// The span wrapper must be invisible to the store contract.
runStoreConformance(
  'memory wrapped by custos/otel',
  async () => {
    const store = createTelemetry({ tracer: new RecordingTracer(), meter: new RecordingMeter() }).wrapStore(
      memoryStore(),
    );
    return { store, cleanup: async () => {} };
  },
  { describe, it, beforeEach, afterEach },
);
