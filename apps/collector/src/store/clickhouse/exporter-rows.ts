import { type LogRecord, SERVICE_NAME, type Span, UNKNOWN_SERVICE } from '@faultline/model';
import type { ExporterSchema } from './clickhouse-schema.js';
import { END_NS, START_NS } from './exporter-sql.js';
import {
  attributesToMap,
  kindToText,
  mapToAttributes,
  statusToText,
  textToKind,
  textToStatus,
} from './exporter-values.js';

// Where the exporter versions without scope columns put the instrumentation scope.
const SCOPE_NAME_KEY = 'otel.scope.name';
const SCOPE_VERSION_KEY = 'otel.scope.version';
const SCOPE_KEYS = new Set([SCOPE_NAME_KEY, SCOPE_VERSION_KEY]);

/** Nanoseconds as the DateTime64(9) text ClickHouse parses exactly: seconds, a dot, nine digits. */
export function nsToDateTime64(ns: bigint): string {
  const negative = ns < 0n;
  const abs = negative ? -ns : ns;
  return `${negative ? '-' : ''}${abs / 1_000_000_000n}.${(abs % 1_000_000_000n).toString().padStart(9, '0')}`;
}

/** A span as the row the exporter writes into `otel_traces` (only columns the table has are kept). */
export function spanToExporterRow(span: Span, schema: ExporterSchema): Record<string, unknown> {
  const attributes = attributesToMap(span.attributes);
  if (!schema.traceScopeColumns && span.scope) {
    attributes[SCOPE_NAME_KEY] = span.scope.name;
    if (span.scope.version) attributes[SCOPE_VERSION_KEY] = span.scope.version;
  }
  const duration = span.endTimeUnixNano - span.startTimeUnixNano;
  const row: Record<string, unknown> = {
    Timestamp: nsToDateTime64(span.startTimeUnixNano),
    TraceId: span.traceId,
    SpanId: span.spanId,
    ParentSpanId: span.parentSpanId ?? '',
    TraceState: '',
    SpanName: span.name,
    SpanKind: kindToText(span.kind),
    ServiceName: span.service,
    ResourceAttributes: attributesToMap(span.resource),
    SpanAttributes: attributes,
    Duration: (duration < 0n ? 0n : duration).toString(),
    StatusCode: statusToText(span.status.code),
    StatusMessage: span.status.message ?? '',
    'Events.Timestamp': span.events.map((e) => nsToDateTime64(e.timeUnixNano)),
    'Events.Name': span.events.map((e) => e.name),
    'Events.Attributes': span.events.map((e) => attributesToMap(e.attributes)),
    'Links.TraceId': span.links.map((l) => l.traceId),
    'Links.SpanId': span.links.map((l) => l.spanId),
    'Links.TraceState': span.links.map(() => ''),
    'Links.Attributes': span.links.map((l) => attributesToMap(l.attributes)),
  };
  if (schema.traceScopeColumns) {
    row.ScopeName = span.scope?.name ?? '';
    row.ScopeVersion = span.scope?.version ?? '';
  }
  return row;
}

/** A log record as the row the exporter writes into `otel_logs`. */
export function logToExporterRow(log: LogRecord, schema: ExporterSchema): Record<string, unknown> {
  const row: Record<string, unknown> = {
    Timestamp: nsToDateTime64(log.timeUnixNano === 0n ? log.observedTimeUnixNano : log.timeUnixNano),
    TraceId: log.traceId ?? '',
    SpanId: log.spanId ?? '',
    TraceFlags: 0,
    SeverityText: log.severityText,
    SeverityNumber: log.severityNumber,
    ServiceName: log.service,
    Body: typeof log.body === 'string' ? log.body : JSON.stringify(log.body),
    ResourceAttributes: attributesToMap(log.resource),
    ScopeName: log.scope?.name ?? '',
    ScopeVersion: log.scope?.version ?? '',
    LogAttributes: attributesToMap(log.attributes),
  };
  for (const key of Object.keys(row)) if (!schema.logColumns.has(key)) delete row[key];
  return row;
}

/** The columns `rowToSpan` reads, for a SELECT over `otel_traces`. */
export function spanColumnsSql(schema: ExporterSchema): string {
  return `TraceId, SpanId, ParentSpanId, ServiceName, SpanName, SpanKind,
    toString(${START_NS}) AS start_ns, toString(${END_NS}) AS end_ns, StatusCode, StatusMessage,
    SpanAttributes, ResourceAttributes,
    ${schema.traceScopeColumns ? 'ScopeName, ScopeVersion' : "'' AS ScopeName, '' AS ScopeVersion"},
    Events.Name AS event_names, arrayMap(t -> toString(toUnixTimestamp64Nano(t)), Events.Timestamp) AS event_times,
    Events.Attributes AS event_attributes, Links.TraceId AS link_trace_ids, Links.SpanId AS link_span_ids,
    Links.Attributes AS link_attributes`;
}

/** A row selected with `spanColumnsSql`. */
export interface ExporterSpanRow {
  TraceId: string;
  SpanId: string;
  ParentSpanId: string;
  ServiceName: string;
  SpanName: string;
  SpanKind: string;
  start_ns: string;
  end_ns: string;
  StatusCode: string;
  StatusMessage: string;
  SpanAttributes: Record<string, string>;
  ResourceAttributes: Record<string, string>;
  ScopeName: string;
  ScopeVersion: string;
  event_names: string[];
  event_times: string[];
  event_attributes: Record<string, string>[];
  link_trace_ids: string[];
  link_span_ids: string[];
  link_attributes: Record<string, string>[];
}

function serviceOf(name: string, resource: Record<string, string>): string {
  return name || resource[SERVICE_NAME] || UNKNOWN_SERVICE;
}

/** A stored exporter row back to a domain span; `resources` shares one object per distinct resource. */
export function rowToSpan(row: ExporterSpanRow, resources: Map<string, Span['resource']>): Span {
  const resourceKey = JSON.stringify(row.ResourceAttributes);
  let resource = resources.get(resourceKey);
  if (!resource) {
    resource = mapToAttributes(row.ResourceAttributes);
    resources.set(resourceKey, resource);
  }
  const scopeName = row.ScopeName || row.SpanAttributes[SCOPE_NAME_KEY];
  const scopeVersion = row.ScopeVersion || row.SpanAttributes[SCOPE_VERSION_KEY];
  const status = textToStatus(row.StatusCode);
  const span: Span = {
    traceId: row.TraceId.toLowerCase(),
    spanId: row.SpanId.toLowerCase(),
    parentSpanId: row.ParentSpanId === '' ? null : row.ParentSpanId.toLowerCase(),
    service: serviceOf(row.ServiceName, row.ResourceAttributes),
    name: row.SpanName,
    kind: textToKind(row.SpanKind),
    startTimeUnixNano: BigInt(row.start_ns),
    endTimeUnixNano: BigInt(row.end_ns),
    status: row.StatusMessage ? { code: status, message: row.StatusMessage } : { code: status },
    attributes: mapToAttributes(row.SpanAttributes, row.ScopeName ? undefined : SCOPE_KEYS),
    resource,
    events: row.event_names.map((name, i) => ({
      name,
      timeUnixNano: BigInt(row.event_times[i] ?? '0'),
      attributes: mapToAttributes(row.event_attributes[i] ?? {}),
    })),
    links: row.link_trace_ids.map((traceId, i) => ({
      traceId: traceId.toLowerCase(),
      spanId: (row.link_span_ids[i] ?? '').toLowerCase(),
      attributes: mapToAttributes(row.link_attributes[i] ?? {}),
    })),
  };
  if (scopeName) span.scope = scopeVersion ? { name: scopeName, version: scopeVersion } : { name: scopeName };
  return span;
}

/**
 * What makes two `otel_logs` rows one record, for `LIMIT 1 BY` and `uniqExact`: a retried batch
 * writes its logs again, and log records carry no id. Records alike in all of these would look the
 * same on the trace page anyway.
 */
export const LOG_IDENTITY =
  'ServiceName, SpanId, Timestamp, SeverityNumber, SeverityText, Body, LogAttributes';

/** The columns `rowToLog` reads, for a SELECT over `otel_logs`. */
export function logColumnsSql(schema: ExporterSchema): string {
  const has = (column: string, fallback: string) => (schema.logColumns.has(column) ? column : fallback);
  return `TraceId, SpanId, ServiceName, toString(toUnixTimestamp64Nano(Timestamp)) AS time_ns,
    SeverityNumber, SeverityText, Body, ResourceAttributes, LogAttributes,
    ${has('ScopeName', "''")} AS scope_name, ${has('ScopeVersion', "''")} AS scope_version`;
}

/** A row selected with `logColumnsSql`. */
export interface ExporterLogRow {
  TraceId: string;
  SpanId: string;
  ServiceName: string;
  time_ns: string;
  SeverityNumber: number;
  SeverityText: string;
  Body: string;
  ResourceAttributes: Record<string, string>;
  LogAttributes: Record<string, string>;
  scope_name: string;
  scope_version: string;
}

/**
 * A stored exporter log row back to a domain log record. The exporter keeps no observed time, so it
 * is the record's time; a body is the text the exporter stored.
 */
export function rowToLog(row: ExporterLogRow, resources: Map<string, Span['resource']>): LogRecord {
  const resourceKey = JSON.stringify(row.ResourceAttributes);
  let resource = resources.get(resourceKey);
  if (!resource) {
    resource = mapToAttributes(row.ResourceAttributes);
    resources.set(resourceKey, resource);
  }
  const time = BigInt(row.time_ns);
  const log: LogRecord = {
    traceId: row.TraceId === '' ? null : row.TraceId.toLowerCase(),
    spanId: row.SpanId === '' ? null : row.SpanId.toLowerCase(),
    service: serviceOf(row.ServiceName, row.ResourceAttributes),
    timeUnixNano: time,
    observedTimeUnixNano: time,
    severityNumber: Number(row.SeverityNumber),
    severityText: row.SeverityText,
    body: row.Body,
    attributes: mapToAttributes(row.LogAttributes),
    resource,
  };
  if (row.scope_name) {
    log.scope = row.scope_version
      ? { name: row.scope_name, version: row.scope_version }
      : { name: row.scope_name };
  }
  return log;
}
