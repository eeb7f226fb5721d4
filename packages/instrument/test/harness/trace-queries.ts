import type { WireSpan, WireSpanEvent } from '@faultline/model';
import type { StoredTrace } from './collector.js';

/** The HTTP server span of a trace (the request's entry). */
export function serverSpan(trace: StoredTrace): WireSpan | undefined {
  return trace.spans.find((span) => span.kind === 'SERVER');
}

/** Spans that recorded an `exception` event. */
export function spansWithExceptions(trace: StoredTrace): WireSpan[] {
  return trace.spans.filter((span) => exceptionEvents(span).length > 0);
}

/** The `exception` events of a span. */
export function exceptionEvents(span: WireSpan): WireSpanEvent[] {
  return span.events.filter((event) => event.name === 'exception');
}

/** The type and message of each `exception` event of a span, in order. */
export function exceptionsOf(span: WireSpan): Array<[unknown, unknown]> {
  return exceptionEvents(span).map((event) => [
    event.attributes['exception.type'],
    event.attributes['exception.message'],
  ]);
}

/** True once the trace holds a finished server span (its request has been answered and exported). */
export function hasServerSpan(trace: StoredTrace): boolean {
  return serverSpan(trace) !== undefined;
}
