import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createTelemetry } from '../../src/otel/index.js';
import { memoryStore } from '../../src/stores/memory/index.js';
import { hasWarned } from '../../src/vocabulary/warn-once.js';
import { sessionCookieFrom } from '../helpers/cookies.js';
import { buildWith, USER } from './otel-fixture.js';
import { RecordingMeter, RecordingTracer } from './recorder.js';

describe('createTelemetry options', () => {
  it('activeSessions: false registers no gauge and never calls count()', async () => {
    const meter = new RecordingMeter();
    const store = memoryStore();
    let counted = 0;
    store.count = async () => ++counted;
    const telemetry = createTelemetry({ tracer: new RecordingTracer(), meter, activeSessions: false });
    await telemetry.wrapStore(store).ping?.();
    await meter.collect();
    expect(meter.instruments.has('custos.sessions.active')).toBe(false);
    expect(meter.instruments.has('custos.store.duration')).toBe(true);
    expect(counted).toBe(0);
    await store.close();
  });

  it('keeps sessions working when the tracer or meter throws, and says so once', async () => {
    const tracer = new RecordingTracer();
    tracer.startActiveSpan = (() => {
      throw new Error('exporter misconfigured');
    }) as never;
    const meter = new RecordingMeter();
    meter.createCounter = (() => ({
      add: () => {
        throw new Error('meter broken');
      },
    })) as never;
    const base = memoryStore();
    const { app } = buildWith(base, createTelemetry({ tracer, meter }));
    const login = await request(app).post(`/login/${USER}`).set('host', 'localhost');
    expect(login.status).toBe(303);
    const read = await request(app)
      .get('/read')
      .set('host', 'localhost')
      .set('cookie', sessionCookieFrom(login.headers) as string);
    expect(read.body.user).toBe(USER);
    expect(hasWarned('otel-recording-failed')).toBe(true);
    await base.close();
  });

  it('counts a revoke of several sessions by their number, and names a revoke by handle', () => {
    const meter = new RecordingMeter();
    const telemetry = createTelemetry({ tracer: new RecordingTracer(), meter });
    telemetry.onEvent({ type: 'revoked', at: 0, reason: 'all-user-sessions', count: 3, userId: USER });
    telemetry.onEvent({ type: 'revoked', at: 0, sidHash: 'c2lkSGFzaA' });
    expect(meter.sum('custos.session.events', { 'custos.event.reason': 'all-user-sessions' })).toBe(3);
    expect(meter.sum('custos.session.events', { 'custos.event.reason': 'handle' })).toBe(1);
    // A reason outside the vocabulary (a bug elsewhere) is folded, never passed through.
    telemetry.onEvent({ type: 'tampered', at: 0, reason: 'Key=AbC/123+xyz' });
    expect(
      meter.sum('custos.session.events', { 'custos.event.type': 'tampered', 'custos.event.reason': 'other' }),
    ).toBe(1);
  });
});
