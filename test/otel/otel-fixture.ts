import { context, SpanKind } from '@opentelemetry/api';
import express from 'express';
import { afterAll, beforeAll } from 'vitest';
import { createSessions, type SessionEvent } from '../../src/index.js';
import { createTelemetry } from '../../src/otel/index.js';
import type { SessionStore } from '../../src/stores/contract.js';
import { SECRET_A } from '../helpers/clock.js';
import { coreApp } from '../helpers/express-app.js';
import { AsyncLocalContextManager, RecordingMeter, RecordingTracer } from './recorder.js';

/**
 * Shared by the test/otel/otel-*.test.ts files: the context manager every file runs under, and a
 * session manager behind custos/otel in a real Express app.
 */

// Without a context manager the API's context never flows across `await`: the one an SDK
// installs (AsyncLocalStorage) is what makes store spans children of the request's span.
const contextManager = new AsyncLocalContextManager();
beforeAll(() => {
  context.setGlobalContextManager(contextManager);
});
afterAll(() => {
  context.disable();
});

export const USER = 'user-4711-alice';

export function build(store: SessionStore) {
  const tracer = new RecordingTracer();
  const meter = new RecordingMeter();
  return { tracer, meter, ...buildWith(store, createTelemetry({ tracer, meter }), tracer) };
}

export function buildWith(
  store: SessionStore,
  telemetry: ReturnType<typeof createTelemetry>,
  tracer?: RecordingTracer,
) {
  const events: SessionEvent[] = [];
  const wrapped = telemetry.wrapStore(store);
  const manager = createSessions<{ n: number; [key: string]: unknown }>({
    secrets: [SECRET_A],
    store: wrapped,
    storeTimeout: 300,
    protect: { origins: ['http://localhost'] },
    onEvent: (event) => {
      events.push(event);
      telemetry.onEvent(event);
    },
  });
  const app = express();
  // What @opentelemetry/instrumentation-http does: each request runs in its own active server span.
  app.use((_req, res, next) => {
    if (!tracer) return next();
    tracer.startActiveSpan('http.request', { kind: SpanKind.SERVER }, (span) => {
      res.on('finish', () => span.end());
      next();
    });
  });
  app.use(coreApp(manager));
  return { events, app, store: wrapped };
}
