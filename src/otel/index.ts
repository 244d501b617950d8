import { type Meter, metrics, type Tracer, trace } from '@opentelemetry/api';
import type { SessionStore } from '../stores/contract.js';
import type { EventListener, SessionEvent } from '../vocabulary/events.js';
import { ERROR_TYPE, EVENT_TYPE, STORE_KIND, STORE_OPERATION, STORE_OUTCOME } from './attributes.js';
import { eventAttributes, eventWeight } from './events.js';
import { guarded } from './guard.js';
import { createInstruments, type Instruments } from './instruments.js';
import { tracedStore } from './traced-store.js';

/**
 * The instrumentation scope name under which custos's spans and metrics appear.
 *
 * @example
 * ```ts
 * import { metrics, trace } from '@opentelemetry/api';
 * import { SCOPE } from 'custos/otel';
 *
 * const tracer = trace.getTracer(SCOPE); // the tracer and meter custos uses by default
 * const meter = metrics.getMeter(SCOPE);
 * ```
 */
export const SCOPE = 'custos';

export interface TelemetryOptions {
  /** @default trace.getTracer('custos') — the global provider, including one registered later */
  tracer?: Tracer;
  /** @default metrics.getMeter('custos'), looked up at the first store call or event */
  meter?: Meter;
  /** `custos.store.duration` bucket boundaries, in seconds (a hint the SDK's views may override). */
  buckets?: number[];
  /**
   * Report `custos.sessions.active` from the wrapped store's `count()` at each collection. On
   * Redis that is a SCAN of the prefix, so turn it off for very large Redis stores. @default true
   */
  activeSessions?: boolean;
}

export interface CustosTelemetry {
  /** Pass as `createSessions({ onEvent })` (or call it from your own listener). */
  readonly onEvent: EventListener;
  /** The same store with every call in a span and timed; pass the result to `createSessions({ store })`. */
  wrapStore<S extends SessionStore>(store: S): S;
}

const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/**
 * OpenTelemetry spans and metrics for custos, through `@opentelemetry/api` (an optional peer
 * dependency; bring your own SDK and exporter):
 *
 * | signal                              | kind            | attributes                                   |
 * |-------------------------------------|-----------------|----------------------------------------------|
 * | span `custos.store.<operation>`     | INTERNAL span   | `custos.store.kind`, `.operation`, `.outcome`, `error.type` |
 * | `custos.store.duration` (s)         | histogram       | the same                                     |
 * | `custos.session.events`             | counter         | `custos.event.type`, `custos.event.reason`   |
 * | `custos.sessions.active`            | observable gauge| (store `count()` at collection)              |
 *
 * Each event is also added to the active span (the request's server span, when the app is
 * instrumented) as a `custos.<type>` span event. No attribute carries a handle, sidHash, user id,
 * IP address, token or session data: only fixed strings.
 *
 * @example
 * import { createTelemetry } from 'custos/otel';
 * const telemetry = createTelemetry();
 * const sessions = createSessions({ secrets, store: telemetry.wrapStore(redisStore({ client })), onEvent: telemetry.onEvent });
 */
export function createTelemetry(options: TelemetryOptions = {}): CustosTelemetry {
  const tracer = options.tracer ?? trace.getTracer(SCOPE);
  let countedStore: SessionStore | undefined;
  let instruments: Instruments | undefined;
  // Created on first use, not here: an app that builds its sessions before its SDK starts
  // (an import order it rarely controls) would otherwise hold no-op instruments forever.
  const use = () =>
    (instruments ??= createInstruments(options.meter ?? metrics.getMeter(SCOPE), {
      buckets: options.buckets ?? BUCKETS,
      countedStore: options.activeSessions === false ? null : () => countedStore,
    }));

  const onEvent = (event: SessionEvent): void => {
    const attributes = eventAttributes(event);
    guarded(() => use().events.add(eventWeight(event), attributes));
    guarded(() => trace.getActiveSpan()?.addEvent(`custos.${attributes[EVENT_TYPE]}`, attributes));
  };

  return {
    onEvent,
    wrapStore(store) {
      countedStore = store;
      return tracedStore(store, tracer, (operation, kind, seconds, outcome, error) =>
        use().duration.record(seconds, {
          [STORE_KIND]: kind,
          [STORE_OPERATION]: operation,
          [STORE_OUTCOME]: outcome,
          ...(error === undefined ? {} : { [ERROR_TYPE]: error }),
        }),
      );
    },
  };
}
