import { type Span, SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import { type Outcome, observedStore, outcomeOf } from '../metrics/timed-store.js';
import type { SessionStore } from '../stores/contract.js';
import { ERROR_TYPE, errorType, fixed, STORE_KIND, STORE_OPERATION, STORE_OUTCOME } from './attributes.js';
import { guarded } from './guard.js';

export type Settled = (operation: string, kind: string, seconds: number, outcome: Outcome, error?: string) => void;

/**
 * The same store, each call in a `custos.store.<operation>` span. The span is made active while
 * the call runs, so the database driver's own instrumentation (pg, ioredis, mysql2) nests its
 * client span beneath it; that is why this one is INTERNAL, not CLIENT. A failure sets the
 * span's status to ERROR with `error.type`, and neither a status message nor a recorded
 * exception: both would copy the driver's message, which can name a key or a password.
 */
export function tracedStore<S extends SessionStore>(store: S, tracer: Tracer, settled: Settled): S {
  const kind = fixed(store.kind, 'custom');
  const attributes = (operation: string) => ({ [STORE_KIND]: kind, [STORE_OPERATION]: operation });

  return observedStore(store, async (operation, run) => {
    const started = performance.now();
    let span: Span | undefined;
    let pending: Promise<unknown> | undefined;
    guarded(() => {
      tracer.startActiveSpan(
        `custos.store.${operation}`,
        { kind: SpanKind.INTERNAL, attributes: attributes(operation) },
        (active) => {
          span = active;
          pending = run();
        },
      );
    });
    // A tracer that threw before calling back still gets the store call made, without a span.
    pending ??= run();
    try {
      const result = await pending;
      guarded(() => finish(span, 'ok'));
      guarded(() => settled(operation, kind, (performance.now() - started) / 1000, 'ok'));
      return result;
    } catch (error) {
      const type = errorType(error);
      const outcome = outcomeOf(error);
      guarded(() => finish(span, outcome, type));
      guarded(() => settled(operation, kind, (performance.now() - started) / 1000, outcome, type));
      throw error;
    }
  });
}

function finish(span: Span | undefined, outcome: Outcome, type?: string): void {
  if (!span) return;
  if (type === undefined) span.setAttribute(STORE_OUTCOME, outcome);
  else {
    span.setAttributes({ [STORE_OUTCOME]: outcome, [ERROR_TYPE]: type });
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}
