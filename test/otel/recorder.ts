import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import {
  type Attributes,
  type Context,
  type ContextManager,
  context,
  type Meter,
  type MeterProvider,
  type ObservableCallback,
  ROOT_CONTEXT,
  type Span,
  type SpanAttributeValue,
  type SpanContext,
  SpanKind,
  type SpanOptions,
  type SpanStatus,
  SpanStatusCode,
  TraceFlags,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';

/**
 * An in-memory tracer and meter that implement the @opentelemetry/api interfaces and keep what
 * they are given, standing in for an SDK (none is installed) so tests can read every span,
 * attribute and metric point custos produced.
 */

export interface RecordedSpan {
  name: string;
  kind: SpanKind;
  attributes: Attributes;
  status: SpanStatus;
  events: Array<{ name: string; attributes: Attributes }>;
  context: SpanContext;
  parentSpanId: string | undefined;
  ended: boolean;
  exceptions: unknown[];
}

class RecordingSpan implements Span {
  constructor(readonly record: RecordedSpan) {}
  spanContext(): SpanContext {
    return this.record.context;
  }
  setAttribute(key: string, value: SpanAttributeValue): this {
    this.record.attributes[key] = value;
    return this;
  }
  setAttributes(attributes: Attributes): this {
    Object.assign(this.record.attributes, attributes);
    return this;
  }
  addEvent(name: string, attributes?: unknown): this {
    this.record.events.push({
      name,
      attributes: typeof attributes === 'object' ? { ...(attributes as Attributes) } : {},
    });
    return this;
  }
  addLink(): this {
    return this;
  }
  addLinks(): this {
    return this;
  }
  setStatus(status: SpanStatus): this {
    this.record.status = status;
    return this;
  }
  updateName(name: string): this {
    this.record.name = name;
    return this;
  }
  end(): void {
    this.record.ended = true;
  }
  isRecording(): boolean {
    return !this.record.ended;
  }
  recordException(exception: unknown): void {
    this.record.exceptions.push(exception);
  }
}

export class RecordingTracer implements Tracer, TracerProvider {
  readonly spans: RecordedSpan[] = [];

  getTracer(): Tracer {
    return this;
  }

  startSpan(name: string, options: SpanOptions = {}, parentContext: Context = context.active()): Span {
    const parent = trace.getSpanContext(parentContext);
    const record: RecordedSpan = {
      name,
      kind: options.kind ?? SpanKind.INTERNAL,
      attributes: { ...options.attributes },
      status: { code: SpanStatusCode.UNSET },
      events: [],
      context: {
        traceId: parent?.traceId ?? randomBytes(16).toString('hex'),
        spanId: randomBytes(8).toString('hex'),
        traceFlags: TraceFlags.SAMPLED,
      },
      parentSpanId: parent?.spanId,
      ended: false,
      exceptions: [],
    };
    this.spans.push(record);
    return new RecordingSpan(record);
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    options: SpanOptions,
    context: Context,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, ...rest: unknown[]): ReturnType<F> {
    const fn = rest.at(-1) as (span: Span) => ReturnType<F>;
    const options = (rest.length >= 2 ? rest[0] : {}) as SpanOptions;
    const parentContext = (rest.length >= 3 ? rest[1] : context.active()) as Context;
    const span = this.startSpan(name, options, parentContext);
    return context.with(trace.setSpan(parentContext, span), fn, undefined, span) as ReturnType<F>;
  }

  named(name: string): RecordedSpan[] {
    return this.spans.filter((s) => s.name === name);
  }
}

export interface Point {
  instrument: string;
  value: number;
  attributes: Attributes;
}

const recorder =
  (meter: RecordingMeter, instrument: string) =>
  (value: number, attributes: Attributes = {}) => {
    meter.points.push({ instrument, value, attributes: { ...attributes } });
  };

export class RecordingMeter implements Meter, MeterProvider {
  readonly points: Point[] = [];
  readonly instruments = new Map<string, { unit?: string; description?: string }>();
  readonly #callbacks: Array<{ instrument: string; callback: ObservableCallback }> = [];

  getMeter(): Meter {
    return this;
  }

  #declare(name: string, options: { unit?: string; description?: string } = {}) {
    this.instruments.set(name, options);
  }

  createCounter(name: string, options?: { unit?: string }) {
    this.#declare(name, options);
    return { add: recorder(this, name) };
  }
  createUpDownCounter(name: string, options?: { unit?: string }) {
    this.#declare(name, options);
    return { add: recorder(this, name) };
  }
  createHistogram(name: string, options?: { unit?: string }) {
    this.#declare(name, options);
    return { record: recorder(this, name) };
  }
  createGauge(name: string, options?: { unit?: string }) {
    this.#declare(name, options);
    return { record: recorder(this, name) };
  }
  #observable(name: string, options?: { unit?: string }) {
    this.#declare(name, options);
    return {
      addCallback: (callback: ObservableCallback) => this.#callbacks.push({ instrument: name, callback }),
      removeCallback: (callback: ObservableCallback) => {
        const at = this.#callbacks.findIndex((c) => c.callback === callback);
        if (at >= 0) this.#callbacks.splice(at, 1);
      },
    };
  }
  createObservableGauge(name: string, options?: { unit?: string }) {
    return this.#observable(name, options);
  }
  createObservableCounter(name: string, options?: { unit?: string }) {
    return this.#observable(name, options);
  }
  createObservableUpDownCounter(name: string, options?: { unit?: string }) {
    return this.#observable(name, options);
  }
  addBatchObservableCallback(): void {
    throw new Error('not used by custos');
  }
  removeBatchObservableCallback(): void {}

  /** Runs the observable callbacks, as an SDK's metric reader does at each export. */
  async collect(): Promise<void> {
    for (const { instrument, callback } of this.#callbacks) {
      await callback({ observe: recorder(this, instrument) });
    }
  }

  /** The sum of an instrument's points whose attributes include `match`. */
  sum(instrument: string, match: Attributes = {}): number {
    return this.points
      .filter((p) => p.instrument === instrument)
      .filter((p) => Object.entries(match).every(([k, v]) => p.attributes[k] === v))
      .reduce((total, p) => total + p.value, 0);
  }

  last(instrument: string): Point | undefined {
    return this.points.filter((p) => p.instrument === instrument).at(-1);
  }
}

/** Context propagation through async calls, as @opentelemetry/context-async-hooks gives an SDK. */
export class AsyncLocalContextManager implements ContextManager {
  readonly #storage = new AsyncLocalStorage<Context>();
  active(): Context {
    return this.#storage.getStore() ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.#storage.run(ctx, () => fn.apply(thisArg, args));
  }
  bind<T>(_ctx: Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.#storage.disable();
    return this;
  }
}

/** Every string a backend would store: span and event names, attribute values, status messages. */
export function recordedStrings(tracer: RecordingTracer, meter: RecordingMeter): string[] {
  const values = (attributes: Attributes) => Object.values(attributes).flatMap((v) => (Array.isArray(v) ? v : [v]));
  const out: unknown[] = [];
  for (const span of tracer.spans) {
    out.push(span.name, span.status.message, ...values(span.attributes), ...Object.keys(span.attributes));
    for (const event of span.events) out.push(event.name, ...values(event.attributes));
    out.push(...span.exceptions.map(String));
  }
  for (const point of meter.points) out.push(point.instrument, ...values(point.attributes));
  return out.filter((v) => v !== undefined && v !== null).map(String);
}
