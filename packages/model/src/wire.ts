import type { Attributes, AttributeValue, LogRecord, Span, SpanKind, SpanLink, SpanStatus } from './span.js';
import { durationMsBetween } from './span.js';

/** A span event as JSON carries it (nanoseconds as a decimal string). */
export interface WireSpanEvent {
  name: string;
  timeUnixNano: string;
  attributes: Attributes;
}

/** A span as the query API sends it (contract: ns as strings, `durationMs` as a number). */
export interface WireSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  service: string;
  name: string;
  kind: SpanKind;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  durationMs: number;
  status: SpanStatus;
  attributes: Attributes;
  resource: Attributes;
  events: WireSpanEvent[];
  links: SpanLink[];
  /** Events left out (over the per-span cap, or by the sender); absent when none. */
  droppedEventsCount?: number;
  /** Links left out (over the per-span cap, pointing nowhere, or by the sender); absent when none. */
  droppedLinksCount?: number;
}

/** A log record as the query API sends it. */
export interface WireLogRecord {
  traceId: string | null;
  spanId: string | null;
  service: string;
  timeUnixNano: string;
  observedTimeUnixNano: string;
  severityNumber: number;
  severityText: string;
  body: AttributeValue;
  attributes: Attributes;
  resource: Attributes;
}

/** Converts a domain span to its JSON shape. */
export function toWireSpan(span: Span): WireSpan {
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    service: span.service,
    name: span.name,
    kind: span.kind,
    startTimeUnixNano: span.startTimeUnixNano.toString(),
    endTimeUnixNano: span.endTimeUnixNano.toString(),
    durationMs: durationMsBetween(span.startTimeUnixNano, span.endTimeUnixNano),
    status: span.status,
    attributes: span.attributes,
    resource: span.resource,
    events: span.events.map((e) => ({
      name: e.name,
      timeUnixNano: e.timeUnixNano.toString(),
      attributes: e.attributes,
    })),
    links: span.links,
    ...(span.droppedEventsCount ? { droppedEventsCount: span.droppedEventsCount } : {}),
    ...(span.droppedLinksCount ? { droppedLinksCount: span.droppedLinksCount } : {}),
  };
}

/** Converts a span from its JSON shape back to the domain model (the UI's one fetch boundary). */
export function fromWireSpan(wire: WireSpan): Span {
  return {
    traceId: wire.traceId,
    spanId: wire.spanId,
    parentSpanId: wire.parentSpanId,
    service: wire.service,
    name: wire.name,
    kind: wire.kind,
    startTimeUnixNano: BigInt(wire.startTimeUnixNano),
    endTimeUnixNano: BigInt(wire.endTimeUnixNano),
    status: wire.status,
    attributes: wire.attributes,
    resource: wire.resource,
    events: wire.events.map((e) => ({
      name: e.name,
      timeUnixNano: BigInt(e.timeUnixNano),
      attributes: e.attributes,
    })),
    links: wire.links,
    ...(wire.droppedEventsCount ? { droppedEventsCount: wire.droppedEventsCount } : {}),
    ...(wire.droppedLinksCount ? { droppedLinksCount: wire.droppedLinksCount } : {}),
  };
}

/** Converts a domain log record to its JSON shape. */
export function toWireLogRecord(log: LogRecord): WireLogRecord {
  return {
    traceId: log.traceId,
    spanId: log.spanId,
    service: log.service,
    timeUnixNano: log.timeUnixNano.toString(),
    observedTimeUnixNano: log.observedTimeUnixNano.toString(),
    severityNumber: log.severityNumber,
    severityText: log.severityText,
    body: log.body,
    attributes: log.attributes,
    resource: log.resource,
  };
}

/** Converts a log record from its JSON shape back to the domain model. */
export function fromWireLogRecord(wire: WireLogRecord): LogRecord {
  return {
    ...wire,
    timeUnixNano: BigInt(wire.timeUnixNano),
    observedTimeUnixNano: BigInt(wire.observedTimeUnixNano),
  };
}
