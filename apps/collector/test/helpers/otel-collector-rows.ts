import type { AttributeValue, LogRecord, Span } from '@faultline/model';

/*
 * Rows as the OpenTelemetry Collector's clickhouseexporter writes them (exporter_traces.go /
 * exporter_logs.go): attribute values through pcommon's AsString, kind and status in words
 * ("Server", "Error"), Duration in ns, ids in hex, the scope in its own columns. Kept apart from the
 * store's writer on purpose: the parity test must not read back what Faultline's own code wrote.
 * `otlpWords` spells kind and status as OTLP/JSON does ("SPAN_KIND_SERVER"), as other writers do.
 */

const asString = (value: AttributeValue): string =>
  typeof value === 'string'
    ? value
    : value === null
      ? ''
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value);

const asMap = (attributes: Record<string, AttributeValue>) =>
  Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, asString(v)]));

const dateTime64 = (ns: bigint) =>
  `${ns / 1_000_000_000n}.${(ns % 1_000_000_000n).toString().padStart(9, '0')}`;

const capitalized = (word: string) => word.charAt(0) + word.slice(1).toLowerCase();

/** One `otel_traces` row per span. */
export function otelCollectorSpanRows(spans: readonly Span[], otlpWords = false): Record<string, unknown>[] {
  return spans.map((span) => ({
    Timestamp: dateTime64(span.startTimeUnixNano),
    TraceId: span.traceId,
    SpanId: span.spanId,
    ParentSpanId: span.parentSpanId ?? '',
    TraceState: '',
    SpanName: span.name,
    SpanKind: otlpWords ? `SPAN_KIND_${span.kind}` : capitalized(span.kind),
    ServiceName: typeof span.resource['service.name'] === 'string' ? span.resource['service.name'] : '',
    ResourceAttributes: asMap(span.resource),
    ScopeName: span.scope?.name ?? '',
    ScopeVersion: span.scope?.version ?? '',
    SpanAttributes: asMap(span.attributes),
    Duration: (span.endTimeUnixNano - span.startTimeUnixNano).toString(),
    StatusCode: otlpWords ? `STATUS_CODE_${span.status.code}` : capitalized(span.status.code),
    StatusMessage: span.status.message ?? '',
    'Events.Timestamp': span.events.map((e) => dateTime64(e.timeUnixNano)),
    'Events.Name': span.events.map((e) => e.name),
    'Events.Attributes': span.events.map((e) => asMap(e.attributes)),
    'Links.TraceId': span.links.map((l) => l.traceId),
    'Links.SpanId': span.links.map((l) => l.spanId),
    'Links.TraceState': span.links.map(() => ''),
    'Links.Attributes': span.links.map((l) => asMap(l.attributes)),
  }));
}

/** One `otel_logs` row per log record. */
export function otelCollectorLogRows(logs: readonly LogRecord[]): Record<string, unknown>[] {
  return logs.map((log) => ({
    Timestamp: dateTime64(log.timeUnixNano),
    TraceId: log.traceId ?? '',
    SpanId: log.spanId ?? '',
    TraceFlags: 1,
    SeverityText: log.severityText,
    SeverityNumber: log.severityNumber,
    ServiceName: typeof log.resource['service.name'] === 'string' ? log.resource['service.name'] : '',
    Body: asString(log.body),
    ResourceSchemaUrl: '',
    ResourceAttributes: asMap(log.resource),
    ScopeSchemaUrl: '',
    ScopeName: log.scope?.name ?? '',
    ScopeVersion: log.scope?.version ?? '',
    ScopeAttributes: {},
    LogAttributes: asMap(log.attributes),
  }));
}
