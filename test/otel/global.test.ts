import { metrics, trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { createSessions } from '../../src/index.js';
import { createTelemetry } from '../../src/otel/index.js';
import { memoryStore } from '../../src/stores/memory/index.js';
import { SECRET_A } from '../helpers/clock.js';
import { RecordingMeter, RecordingTracer } from './recorder.js';

const post = { method: 'POST', url: '/', headers: { host: 'localhost' }, secure: false };

afterEach(() => {
  trace.disable();
  metrics.disable();
});

describe('custos/otel with the global providers', () => {
  it('reaches an SDK registered after createTelemetry, as an app that builds its sessions at import time does', async () => {
    const store = memoryStore();
    const telemetry = createTelemetry();
    const manager = createSessions({
      secrets: [SECRET_A],
      store: telemetry.wrapStore(store),
      onEvent: telemetry.onEvent,
    });

    // The SDK starts later (`sdk.start()` in the app's main).
    const tracer = new RecordingTracer();
    const meter = new RecordingMeter();
    expect(trace.setGlobalTracerProvider(tracer)).toBe(true);
    expect(metrics.setGlobalMeterProvider(meter)).toBe(true);

    const session = await manager.load(post);
    await session.login('zoe');
    await session.commit();
    expect(tracer.named('custos.store.create')).toHaveLength(1);
    expect(meter.sum('custos.session.events', { 'custos.event.type': 'created' })).toBe(1);
    await meter.collect();
    expect(meter.last('custos.sessions.active')?.value).toBe(1);
    await store.close();
  });

  it('costs nothing and breaks nothing when no SDK is registered', async () => {
    const store = memoryStore();
    const telemetry = createTelemetry();
    const manager = createSessions({
      secrets: [SECRET_A],
      store: telemetry.wrapStore(store),
      onEvent: telemetry.onEvent,
    });
    const session = await manager.load(post);
    await session.login('yan');
    await session.commit();
    expect(await store.count()).toBe(1);
    await store.close();
  });
});
