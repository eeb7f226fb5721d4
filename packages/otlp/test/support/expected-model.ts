// The test oracle: what a decoder must produce for SDK spans and log records, derived from the SDK's
// own objects (not from any bytes), so the decoders are checked against the source of truth.
import type { Attributes, AttributeValue, LogRecord, Span, SpanKind, StatusCode } from '@faultline/model';
import type { HrTime } from '@opentelemetry/api';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

// @opentelemetry/api numbers SpanKind from INTERNAL = 0; OTLP from UNSPECIFIED = 0.
const API_KINDS: SpanKind[] = ['INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const API_STATUS: StatusCode[] = ['UNSET', 'OK', 'ERROR'];

/** Nanoseconds since the epoch of an SDK HrTime. */
export function nanos([seconds, nanoseconds]: HrTime): bigint {
  return BigInt(seconds) * 1_000_000_000n + BigInt(nanoseconds);
}

/** An SDK attribute or log body value as the model keeps it. */
export function expectedValue(value: unknown): AttributeValue {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value)) return value.map(expectedValue);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return value;
    return Number.isSafeInteger(value) ? value : BigInt(value).toString();
  }
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expectedValue(v)]));
  }
  return value as string | boolean;
}

function expectedAttributes(attributes: object | undefined): Attributes {
  return expectedValue(attributes ?? {}) as Attributes;
}

function expectedScope(scope: { name: string; version?: string }): { name: string; version?: string } {
  return scope.version ? { name: scope.name, version: scope.version } : { name: scope.name };
}

/** The model span the decoders must produce for an SDK span. */
export function expectedSpan(span: ReadableSpan): Span {
  const resource = expectedAttributes(span.resource.attributes);
  const status: Span['status'] = { code: API_STATUS[span.status.code]! };
  if (span.status.message) status.message = span.status.message;
  return {
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    parentSpanId: span.parentSpanContext?.spanId ?? null,
    service: String(resource['service.name']),
    name: span.name,
    kind: API_KINDS[span.kind]!,
    startTimeUnixNano: nanos(span.startTime),
    endTimeUnixNano: nanos(span.endTime),
    status,
    attributes: expectedAttributes(span.attributes),
    resource,
    events: span.events.map((e) => ({
      name: e.name,
      timeUnixNano: nanos(e.time),
      attributes: expectedAttributes(e.attributes),
    })),
    links: span.links.map((l) => ({
      traceId: l.context.traceId,
      spanId: l.context.spanId,
      attributes: expectedAttributes(l.attributes),
    })),
    scope: expectedScope(span.instrumentationScope),
  };
}

/** The model log record the decoders must produce for an SDK log record. */
export function expectedLog(log: ReadableLogRecord): LogRecord {
  const resource = expectedAttributes(log.resource.attributes);
  return {
    traceId: log.spanContext?.traceId ?? null,
    spanId: log.spanContext?.spanId ?? null,
    service: String(resource['service.name']),
    timeUnixNano: nanos(log.hrTime),
    observedTimeUnixNano: nanos(log.hrTimeObserved),
    severityNumber: log.severityNumber ?? 0,
    severityText: log.severityText ?? '',
    body: expectedValue(log.body),
    attributes: expectedAttributes(log.attributes),
    resource,
    scope: expectedScope(log.instrumentationScope),
  };
}
