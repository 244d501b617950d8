import type { Counter, Histogram, Meter } from '@opentelemetry/api';
import type { SessionStore } from '../stores/contract.js';
import { EVENT_REASON, EVENT_TYPE } from './attributes.js';

export interface Instruments {
  readonly events: Counter;
  readonly duration: Histogram;
}

export interface InstrumentOptions {
  readonly buckets: readonly number[];
  /** The store whose `count()` the active-sessions gauge reports, once `wrapStore` has been called. */
  readonly countedStore: (() => SessionStore | undefined) | null;
}

/**
 * The instruments, named after OpenTelemetry's conventions (dotted names, UCUM units, the
 * dimension in attributes rather than in the name).
 */
export function createInstruments(meter: Meter, options: InstrumentOptions): Instruments {
  const events = meter.createCounter('custos.session.events', {
    description: `Session lifecycle and security events, by ${EVENT_TYPE} and ${EVENT_REASON}.`,
    unit: '{event}',
  });
  const duration = meter.createHistogram('custos.store.duration', {
    description: 'Duration of session store calls.',
    unit: 's',
    advice: { explicitBucketBoundaries: [...options.buckets] },
  });
  const counted = options.countedStore;
  if (counted) {
    // A gauge, not an up-down counter: every instance sharing the store reports the same total,
    // and summing them across instances would be wrong.
    const active = meter.createObservableGauge('custos.sessions.active', {
      description: 'Live sessions in the wrapped store (its count() at collection time).',
      unit: '{session}',
    });
    active.addCallback(async (result) => {
      const store = counted();
      if (!store?.count) return;
      try {
        result.observe(await store.count());
      } catch {
        events.add(1, { [EVENT_TYPE]: 'store-error', [EVENT_REASON]: 'count' });
      }
    });
  }
  return { events, duration };
}
