/** An attribute value as OTLP's AnyValue carries it, mapped to plain JSON-able values. */
export type AttributeValue =
  | string
  | number
  | boolean
  | null
  | AttributeValue[]
  | { [key: string]: AttributeValue };

/** A set of attributes keyed by their OpenTelemetry name. */
export type Attributes = Record<string, AttributeValue>;

/** The OTLP span kinds, by name. */
export type SpanKind = 'UNSPECIFIED' | 'INTERNAL' | 'SERVER' | 'CLIENT' | 'PRODUCER' | 'CONSUMER';

/** The OTLP status codes, by name. */
export type StatusCode = 'UNSET' | 'OK' | 'ERROR';

/** A span's status. */
export interface SpanStatus {
  code: StatusCode;
  message?: string;
}

/** A timed event on a span (exceptions are events named `exception`). */
export interface SpanEvent {
  name: string;
  timeUnixNano: bigint;
  attributes: Attributes;
  /** Attributes the sender or the decoder dropped (limits); absent when none. */
  droppedAttributesCount?: number;
}

/** A link from a span to another span, possibly in another trace. */
export interface SpanLink {
  traceId: string;
  spanId: string;
  attributes: Attributes;
  /** Attributes the sender or the decoder dropped (limits); absent when none. */
  droppedAttributesCount?: number;
}

/**
 * A span in the domain model: ids are lowercase hex, times are nanoseconds since the epoch as bigint.
 * `resource` is shared by reference between spans of the same OTLP ResourceSpans.
 */
export interface Span {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  service: string;
  name: string;
  kind: SpanKind;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  status: SpanStatus;
  attributes: Attributes;
  resource: Attributes;
  scope?: { name: string; version?: string };
  events: SpanEvent[];
  links: SpanLink[];
  droppedAttributesCount?: number;
  /** Events the sender or the decoder dropped (more than 128 on one span); absent when none. */
  droppedEventsCount?: number;
  /** Links the sender or the decoder dropped (over the limit, or pointing nowhere); absent when none. */
  droppedLinksCount?: number;
}

/** A log record in the domain model, correlated to a span when it carries trace and span ids. */
export interface LogRecord {
  traceId: string | null;
  spanId: string | null;
  service: string;
  timeUnixNano: bigint;
  observedTimeUnixNano: bigint;
  severityNumber: number;
  severityText: string;
  body: AttributeValue;
  attributes: Attributes;
  resource: Attributes;
  scope?: { name: string; version?: string };
  /** Attributes the sender or the decoder dropped (limits, nesting too deep); absent when none. */
  droppedAttributesCount?: number;
}

/** Names of OTLP's SpanKind enum, indexed by its integer value. */
export const SPAN_KIND_NAMES: readonly SpanKind[] = [
  'UNSPECIFIED',
  'INTERNAL',
  'SERVER',
  'CLIENT',
  'PRODUCER',
  'CONSUMER',
];

/** Names of OTLP's Status.StatusCode enum, indexed by its integer value. */
export const STATUS_CODE_NAMES: readonly StatusCode[] = ['UNSET', 'OK', 'ERROR'];

/** The service name a span or log is attributed to when its resource has none (the SDK's own default). */
export const UNKNOWN_SERVICE = 'unknown_service';

/** Milliseconds between two nanosecond timestamps, as a float with microsecond precision. */
export function durationMsBetween(startTimeUnixNano: bigint, endTimeUnixNano: bigint): number {
  const ns = endTimeUnixNano - startTimeUnixNano;
  return Number(ns / 1000n) / 1000;
}
