import { SpanStatusCode } from '@opentelemetry/api';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createSessions } from '../../src/index.js';
import { memoryStore } from '../../src/stores/memory/index.js';
import { SECRET_A } from '../helpers/clock.js';
import { sessionCookieFrom } from '../helpers/cookies.js';
import { coreApp } from '../helpers/express-app.js';
import { brokenStore } from '../helpers/stores.js';
import { build, USER } from './otel-fixture.js';
import { recordedStrings } from './recorder.js';

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
