import type { Attributes } from '@opentelemetry/api';
import type { SessionEvent } from '../vocabulary/events.js';
import { EVENT_REASON, EVENT_TYPE, fixed } from './attributes.js';

/**
 * The attributes of a session event: its type and, when it has one, its reason. Only those two
 * fields are read — an event's sidHash, userId and ip never reach a telemetry backend. A revoke
 * by handle has no reason; it is named `handle`, as custos/metrics does.
 */
export function eventAttributes(event: SessionEvent): Attributes {
  const attributes: Attributes = { [EVENT_TYPE]: fixed(event.type, 'other') };
  const reason = event.reason ?? (event.type === 'revoked' ? 'handle' : undefined);
  if (reason !== undefined) attributes[EVENT_REASON] = fixed(reason, 'other');
  return attributes;
}

/** How much one event adds: a revoke that ended several sessions counts each of them. */
export function eventWeight(event: SessionEvent): number {
  const { count } = event;
  return event.type === 'revoked' && typeof count === 'number' && Number.isSafeInteger(count) && count >= 0 ? count : 1;
}
