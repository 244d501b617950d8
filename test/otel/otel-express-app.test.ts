import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SessionStore } from '../../src/stores/contract.js';
import { memoryStore } from '../../src/stores/memory/index.js';
import { sessionCookieFrom } from '../helpers/cookies.js';
import { build, USER } from './otel-fixture.js';
import { recordedStrings } from './recorder.js';

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
