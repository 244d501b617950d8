import { SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import { type Outcome, observedStore } from '../metrics/timed-store.js';
import type { SessionStore } from '../stores/contract.js';
import { ERROR_TYPE, errorType, fixed, STORE_KIND, STORE_OPERATION, STORE_OUTCOME } from './attributes.js';

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
  return observedStore(store, (operation, run) =>
    tracer.startActiveSpan(
      `custos.store.${operation}`,
      { kind: SpanKind.INTERNAL, attributes: { [STORE_KIND]: kind, [STORE_OPERATION]: operation } },
      async (span) => {
        const started = performance.now();
        try {
          const result = await run();
          span.setAttribute(STORE_OUTCOME, 'ok');
          settled(operation, kind, (performance.now() - started) / 1000, 'ok');
          return result;
        } catch (error) {
          const type = errorType(error);
          span.setAttributes({ [STORE_OUTCOME]: 'error', [ERROR_TYPE]: type });
          span.setStatus({ code: SpanStatusCode.ERROR });
          settled(operation, kind, (performance.now() - started) / 1000, 'error', type);
          throw error;
        } finally {
          span.end();
        }
      },
    ),
  );
}
