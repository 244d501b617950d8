import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import express from 'express';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSessions, type SessionEvent } from '../../src/index.js';
import { createTelemetry } from '../../src/otel/index.js';
import type { SessionStore } from '../../src/stores/contract.js';
import { memoryStore } from '../../src/stores/memory/index.js';
import { runStoreConformance } from '../../src/testing/store-conformance.js';
import { hasWarned } from '../../src/vocabulary/warn-once.js';
import { SECRET_A } from '../helpers/clock.js';
import { sessionCookieFrom } from '../helpers/cookies.js';
import { coreApp } from '../helpers/express-app.js';
import { brokenStore } from '../helpers/stores.js';
import { AsyncLocalContextManager, RecordingMeter, RecordingTracer, recordedStrings } from './recorder.js';

// Without a context manager the API's context never flows across `await`: the one an SDK
// installs (AsyncLocalStorage) is what makes store spans children of the request's span.
const contextManager = new AsyncLocalContextManager();
beforeAll(() => {
  context.setGlobalContextManager(contextManager);
});
afterAll(() => {
  context.disable();
});

const USER = 'user-4711-alice';

function build(store: SessionStore) {
  const tracer = new RecordingTracer();
  const meter = new RecordingMeter();
  return { tracer, meter, ...buildWith(store, createTelemetry({ tracer, meter }), tracer) };
}

function buildWith(store: SessionStore, telemetry: ReturnType<typeof createTelemetry>, tracer?: RecordingTracer) {
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

describe('custos/otel through a real Express app', () => {
  let base: SessionStore;
  beforeEach(() => {
    base = memoryStore();
  });
  afterEach(() => base.close());

  it('puts every store call in a span under the request span and counts the session events', async () => {
    const { tracer, meter, app } = build(base);
    const login = await request(app).post(`/login/${USER}`).set('host', 'localhost');
    const cookie = sessionCookieFrom(login.headers) as string;
    await request(app).post('/set/colour').set('host', 'localhost').set('cookie', cookie).send({ value: 'blue' });
    await request(app).post('/logout').set('host', 'localhost').set('cookie', cookie);

    for (const operation of ['create', 'get', 'patch', 'destroy']) {
      const [span] = tracer.named(`custos.store.${operation}`);
      expect(span, operation).toBeDefined();
      expect(span!.kind).toBe(SpanKind.INTERNAL);
      expect(span!.ended).toBe(true);
      expect(span!.status.code).toBe(SpanStatusCode.UNSET);
      expect(span!.attributes).toEqual({
        'custos.store.kind': 'memory',
        'custos.store.operation': operation,
        'custos.store.outcome': 'ok',
      });
      const parent = tracer.spans.find((s) => s.context.spanId === span!.parentSpanId);
      expect(parent?.name, `${operation} has the request as parent`).toBe('http.request');
      expect(parent?.context.traceId).toBe(span!.context.traceId);
    }

    expect(meter.sum('custos.session.events', { 'custos.event.type': 'created' })).toBe(1);
    expect(meter.sum('custos.session.events', { 'custos.event.type': 'destroyed' })).toBe(1);
    expect(meter.instruments.get('custos.store.duration')?.unit).toBe('s');
    const gets = meter.points.filter(
      (p) => p.instrument === 'custos.store.duration' && p.attributes['custos.store.operation'] === 'get',
    );
    expect(gets.length).toBeGreaterThanOrEqual(2);
    expect(gets.every((p) => p.attributes['custos.store.outcome'] === 'ok' && p.value >= 0)).toBe(true);

    // The request that logged in carries the event on its own span.
    const loginRequest = tracer.spans.find((s) => s.events.some((e) => e.name === 'custos.created'));
    expect(loginRequest?.name).toBe('http.request');
  });

  it('counts CSRF rejections and tampered cookies by reason, and rotations by reason', async () => {
    const { meter, app } = build(base);
    const anonymous = await request(app).post('/set/x').set('host', 'localhost').send({ value: 1 });
    const before = sessionCookieFrom(anonymous.headers) as string;
    const login = await request(app).post(`/login/${USER}`).set('host', 'localhost').set('cookie', before);
    const cookie = sessionCookieFrom(login.headers) as string;
    expect(meter.sum('custos.session.events', { 'custos.event.type': 'rotated', 'custos.event.reason': 'login' })).toBe(
      1,
    );

    const refused = await request(app)
      .post('/protected')
      .set('host', 'localhost')
      .set('cookie', cookie)
      .set('origin', 'https://evil.example');
    expect(refused.status).toBe(403);
    expect(meter.sum('custos.session.events', { 'custos.event.type': 'csrf-rejected' })).toBe(1);
    const csrf = meter.points.find((p) => p.attributes['custos.event.type'] === 'csrf-rejected');
    expect(csrf?.attributes['custos.event.reason']).toMatch(/^[a-z-]+$/);

    await request(app)
      .get('/read')
      .set('host', 'localhost')
      .set('cookie', `${cookie.slice(0, -4)}AAAA`);
    expect(
      meter.sum('custos.session.events', { 'custos.event.type': 'tampered', 'custos.event.reason': 'bad-mac' }),
    ).toBe(1);
  });

  it('records no token, cookie part, handle, sidHash, user id, IP or session data in any attribute', async () => {
    const { tracer, meter, events, app } = build(base);
    const login = await request(app).post(`/login/${USER}`).set('host', 'localhost');
    const cookie = sessionCookieFrom(login.headers) as string;
    const { token } = (await request(app).get('/csrf').set('host', 'localhost').set('cookie', cookie)).body;
    await request(app).post('/set/note').set('host', 'localhost').set('cookie', cookie).send({ value: 'data-9d2e51' });
    await request(app)
      .post('/protected')
      .set('host', 'localhost')
      .set('cookie', cookie)
      .set('origin', 'http://localhost')
      .set('x-csrf-token', token);
    await request(app)
      .get('/read')
      .set('host', 'localhost')
      .set('cookie', `${cookie.slice(0, -4)}AAAA`);
    await request(app).post('/logout').set('host', 'localhost').set('cookie', cookie);
    await meter.collect();

    const value = cookie.slice(cookie.indexOf('=') + 1);
    const secrets = [value, ...value.split('.'), token, USER, 'data-9d2e51'];
    for (const event of events) {
      for (const field of [event.sidHash, event.userId, event.ip]) if (field) secrets.push(field);
    }
    expect(secrets.filter((s) => s.length >= 8).length).toBeGreaterThanOrEqual(7);

    const recorded = recordedStrings(tracer, meter);
    expect(recorded.length).toBeGreaterThan(30);
    for (const secret of secrets) {
      const leaks = recorded.filter((v) => v.includes(secret));
      expect(leaks, `"${secret}" reached telemetry`).toEqual([]);
    }
    // And, positively: every recorded value comes from a fixed vocabulary.
    for (const v of recorded) expect(v).toMatch(/^[A-Za-z0-9_.-]{1,64}$/);
  });

  it('runs the store call inside its span, so a driver’s own spans nest beneath it', async () => {
    let activeDuringGet: string | undefined;
    const get = base.get.bind(base);
    base.get = async (id) => {
      activeDuringGet = trace.getActiveSpan()?.spanContext().spanId;
      return get(id);
    };
    const { tracer, app } = build(base);
    const login = await request(app).post(`/login/${USER}`).set('host', 'localhost');
    await request(app)
      .get('/read')
      .set('host', 'localhost')
      .set('cookie', sessionCookieFrom(login.headers) as string);
    expect(activeDuringGet).toBe(tracer.named('custos.store.get')[0]?.context.spanId);
  });

  it('reports the live session count from the store at each collection', async () => {
    const { meter, app } = build(base);
    for (const user of ['ann', 'bea', 'cid']) await request(app).post(`/login/${user}`).set('host', 'localhost');
    await meter.collect();
    expect(meter.last('custos.sessions.active')?.value).toBe(3);
    expect(meter.instruments.get('custos.sessions.active')?.unit).toBe('{session}');
  });
});

describe('custos/otel with a failing store', () => {
  it('marks the span as an error with error.type only, never the driver message, and counts the failure', async () => {
    const base = memoryStore();
    const healthy = createSessions<{ n: number }>({
      secrets: [SECRET_A],
      store: base,
      protect: { origins: ['http://localhost'] },
    });
    const seed = coreApp(healthy);
    const login = await request(seed).post(`/login/${USER}`).set('host', 'localhost');
    const cookie = sessionCookieFrom(login.headers) as string;

    // The message names an address and a password, as drivers' messages do.
    const { tracer, meter, app } = build(brokenStore('reject', base));
    const failed = await request(app).get('/read').set('host', 'localhost').set('cookie', cookie);
    expect(failed.status).toBe(503);

    const [span] = tracer.named('custos.store.get');
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR });
    expect(span?.attributes).toMatchObject({ 'custos.store.outcome': 'error', 'error.type': 'Error' });
    expect(span?.exceptions).toEqual([]);
    expect(
      meter.sum('custos.session.events', { 'custos.event.type': 'store-error', 'custos.event.reason': 'get' }),
    ).toBe(1);
    const timed = meter.points.filter(
      (p) => p.instrument === 'custos.store.duration' && p.attributes['custos.store.outcome'] === 'error',
    );
    expect(timed.map((p) => p.attributes['error.type'])).toEqual(['Error']);
    const recorded = recordedStrings(tracer, meter).join('\n');
    for (const part of ['hunter2', '127.0.0.1', 'ECONNREFUSED', 'password']) expect(recorded).not.toContain(part);
    await base.close();
  });

  it('names a failure by its driver code, and a count() that fails at collection as a store-error', async () => {
    const base = memoryStore();
    const handle = 'h4ndle-that-must-not-leak';
    base.create = async () => {
      throw Object.assign(new Error(`duplicate key value: Key (id)=(${handle}) already exists`), { code: '23505' });
    };
    base.count = async () => {
      throw new Error(`count failed for ${handle}`);
    };
    const { tracer, meter, app } = build(base);
    const failed = await request(app).post(`/login/${USER}`).set('host', 'localhost');
    expect(failed.status).toBe(503);
    expect(tracer.named('custos.store.create')[0]?.attributes['error.type']).toBe('23505');

    await meter.collect();
    expect(
      meter.sum('custos.session.events', { 'custos.event.type': 'store-error', 'custos.event.reason': 'count' }),
    ).toBe(1);
    expect(recordedStrings(tracer, meter).join('\n')).not.toContain(handle);
    await base.close();
  });
});

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
