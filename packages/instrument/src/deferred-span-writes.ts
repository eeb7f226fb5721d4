import type {
  Attributes,
  AttributeValue,
  Exception,
  Link,
  Span,
  SpanStatus,
  TimeInput,
} from '@opentelemetry/api';
import { SpanStatusCode } from '@opentelemetry/api';
import { describeError } from './faultline-log.js';

/**
 * What was done to a deferred server span while it was only a span context: by the app
 * (`trace.getActiveSpan().setAttribute(...)`), by a framework's tracing, or by Faultline itself (an
 * error it saw). Kept in order, and replayed on the SDK span if the trace is kept, so a kept trace
 * holds everything written on its server span whether or not that span waited. Calls without a time
 * are given the time of the call here, from the clock the deferred span's start was read from.
 */
export type DeferredWrite =
  | { op: 'attribute'; key: string; value: AttributeValue }
  | { op: 'attributes'; attributes: Attributes }
  | { op: 'event'; name: string; attributes: Attributes | undefined; at: TimeInput }
  | { op: 'exception'; exception: Exception; at: TimeInput }
  | { op: 'status'; status: SpanStatus }
  | { op: 'name'; name: string }
  | { op: 'links'; links: Link[] }
  /** An error Faultline saw on the request (failExchange): an exception event and ERROR. */
  | { op: 'failure'; error: unknown; at: number };

/** Whether a write marks its request as failing (its trace is then kept whole). */
export function marksFailing(write: DeferredWrite): boolean {
  return (
    write.op === 'exception' ||
    write.op === 'failure' ||
    (write.op === 'status' && write.status.code === SpanStatusCode.ERROR)
  );
}

/** Replays `writes` on `span`, in the order they were made. */
export function replayWrites(span: Span, writes: DeferredWrite[]): void {
  for (const write of writes) applyWrite(span, write);
}

/** Does one write to a real span. */
export function applyWrite(span: Span, write: DeferredWrite): void {
  switch (write.op) {
    case 'attribute':
      span.setAttribute(write.key, write.value);
      return;
    case 'attributes':
      span.setAttributes(write.attributes);
      return;
    case 'event':
      span.addEvent(write.name, write.attributes, write.at);
      return;
    case 'exception':
      span.recordException(write.exception, write.at);
      return;
    case 'status':
      span.setStatus(write.status);
      return;
    case 'name':
      span.updateName(write.name);
      return;
    case 'links':
      span.addLinks(write.links);
      return;
    case 'failure':
      recordFailure(span, write.error, write.at);
      return;
  }
}

/** Records an error Faultline saw on a request: an exception event, and ERROR with its message. */
export function recordFailure(span: Span, error: unknown, at?: number): void {
  span.recordException(error instanceof Error ? error : String(error), at);
  span.setStatus({ code: SpanStatusCode.ERROR, message: describeError(error) });
}

/**
 * `addEvent(name, attributesOrTime?, time?)` as the API allows it to be called, split into its
 * attributes and time (`now` when none was given).
 */
export function eventWrite(
  name: string,
  attributesOrTime: Attributes | TimeInput | undefined,
  time: TimeInput | undefined,
  now: number,
): DeferredWrite {
  if (isTimeInput(attributesOrTime))
    return { op: 'event', name, attributes: undefined, at: attributesOrTime };
  const attributes = attributesOrTime === undefined ? undefined : { ...attributesOrTime };
  return { op: 'event', name, attributes, at: time ?? now };
}

function isTimeInput(value: unknown): value is TimeInput {
  return typeof value === 'number' || value instanceof Date || Array.isArray(value);
}
