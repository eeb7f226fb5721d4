import {
  type Attributes,
  DB_OPERATION,
  DB_SYSTEM,
  EXCEPTION_EVENT_NAME,
  EXCEPTION_TYPE,
  HTTP_REQUEST_METHOD,
  HTTP_ROUTE,
  httpStatusCodeOf,
  type LogRecord,
  readString,
  SPAN_KIND_NAMES,
  type Span,
  type SpanEvent,
  type SpanKind,
  type SpanLink,
  STATUS_CODE_NAMES,
  type StatusCode,
} from '@faultline/model';
import { type Dictionary, decodeAttributes, encodeAttributes } from './dictionary.js';

/** The values bound to the span insert statement, in column order. */
export type SpanRow = [
  /** The key of the trace's row in `traces`. */
  traceKey: number,
  spanId: Buffer,
  parentSpanId: Buffer | null,
  resourceId: number,
  service: string,
  name: string,
  kind: number,
  startNs: bigint,
  durationNs: bigint,
  statusCode: number,
  statusMessage: string | null,
  httpMethod: string | null,
  httpRoute: string | null,
  httpStatus: number | null,
  dbSystem: string | null,
  dbOperation: string | null,
  exceptionType: string | null,
  /** A scope id (dictionary), or the scope as JSON when the dictionary is full. */
  scope: number | string | null,
  attributes: string,
  events: string | null,
  links: string | null,
  droppedAttributes: number,
];

const KIND_NUMBERS = new Map<SpanKind, number>(SPAN_KIND_NAMES.map((name, i) => [name, i]));
const STATUS_NUMBERS = new Map<StatusCode, number>(STATUS_CODE_NAMES.map((name, i) => [name, i]));

/** The dictionaries of one connection (see dictionary.ts). */
export interface Dictionaries {
  keys: Dictionary;
  scopes: Dictionary;
}

function scopeColumn(json: string, scopes: Dictionary): number | string {
  return scopes.idFor(json) ?? json;
}

/** Hex id to the BLOB it is stored as. */
export function idToBlob(hex: string): Buffer {
  return Buffer.from(hex, 'hex');
}

/** Stored BLOB back to the lowercase hex id of the wire format. */
export function blobToId(blob: Buffer): string {
  return blob.toString('hex');
}

/**
 * JSON for storage; bigint-free by construction since attributes are plain JSON values. How many
 * events were dropped (over the per-span cap) rides as a trailing number, so the count survives
 * without a column of its own: `[["exception","17…",{…}],872]`.
 */
function eventsToJson(events: readonly SpanEvent[], dropped = 0): string | null {
  if (events.length === 0 && dropped === 0) return null;
  const rows: unknown[] = events.map((e) => [e.name, e.timeUnixNano.toString(), e.attributes]);
  if (dropped > 0) rows.push(dropped);
  return JSON.stringify(rows);
}

/** Parses the compact event encoding written by `spanToRow`, and its count of dropped events. */
export function eventsFromJson(json: string | null): { events: SpanEvent[]; dropped: number } {
  if (json === null) return { events: [], dropped: 0 };
  const raw = JSON.parse(json) as ([string, string, Attributes] | number)[];
  const dropped = typeof raw.at(-1) === 'number' ? (raw.pop() as number) : 0;
  const events = (raw as [string, string, Attributes][]).map(([name, time, attributes]) => ({
    name,
    timeUnixNano: BigInt(time),
    attributes,
  }));
  return { events, dropped };
}

/** The links column: the links as JSON, with the dropped count trailing as for events. */
function linksToJson(links: readonly SpanLink[], dropped = 0): string | null {
  if (links.length === 0 && dropped === 0) return null;
  return JSON.stringify(dropped > 0 ? [...links, dropped] : links);
}

function linksFromJson(json: string | null): { links: SpanLink[]; dropped: number } {
  if (json === null) return { links: [], dropped: 0 };
  const raw = JSON.parse(json) as (SpanLink | number)[];
  const dropped = typeof raw.at(-1) === 'number' ? (raw.pop() as number) : 0;
  return { links: raw as SpanLink[], dropped };
}

function firstExceptionType(events: readonly SpanEvent[]): string | null {
  for (const event of events) {
    if (event.name === EXCEPTION_EVENT_NAME) {
      const type = event.attributes[EXCEPTION_TYPE];
      if (typeof type === 'string') return type;
    }
  }
  return null;
}

/**
 * Flattens a span into the row the store inserts, promoting the attributes queries filter on
 * (HTTP method, route, status; db system and operation; exception type) into columns.
 */
export function spanToRow(
  span: Span,
  traceKey: number,
  resourceId: number,
  dictionaries: Dictionaries,
): SpanRow {
  const a = span.attributes;
  return [
    traceKey,
    idToBlob(span.spanId),
    span.parentSpanId === null ? null : idToBlob(span.parentSpanId),
    resourceId,
    span.service,
    span.name,
    KIND_NUMBERS.get(span.kind) ?? 0,
    span.startTimeUnixNano,
    span.endTimeUnixNano - span.startTimeUnixNano,
    STATUS_NUMBERS.get(span.status.code) ?? 0,
    span.status.message ?? null,
    readString(a, HTTP_REQUEST_METHOD) ?? null,
    readString(a, HTTP_ROUTE) ?? null,
    httpStatusCodeOf(a) ?? null,
    readString(a, DB_SYSTEM) ?? null,
    readString(a, DB_OPERATION) ?? null,
    firstExceptionType(span.events),
    span.scope ? scopeColumn(JSON.stringify(span.scope), dictionaries.scopes) : null,
    encodeAttributes(a, dictionaries.keys),
    eventsToJson(span.events, span.droppedEventsCount),
    linksToJson(span.links, span.droppedLinksCount),
    span.droppedAttributesCount ?? 0,
  ];
}

/**
 * The columns `rowToSpan` reads, from `traces t JOIN spans s`. Only these: the promoted columns repeat
 * attribute values, and every row of a 10,000-span trace read for nothing shows in the trace page's
 * load time.
 */
export const SPAN_COLUMNS = `t.trace_id, s.span_id, s.parent_span_id, s.resource_id, s.service, s.name, s.kind,
  s.start_ns, s.start_ns + s.duration_ns AS end_ns, s.status_code, s.status_message, s.scope, s.attributes,
  s.events, s.links`;

/**
 * A span row as read back (with safe integers on, so every INTEGER is a bigint), joined with its
 * trace for the trace id and with `start_ns + duration_ns AS end_ns`.
 */
export interface StoredSpanRow {
  trace_id: Buffer;
  span_id: Buffer;
  parent_span_id: Buffer | null;
  resource_id: bigint;
  service: string;
  name: string;
  kind: bigint;
  start_ns: bigint;
  end_ns: bigint;
  status_code: bigint;
  status_message: string | null;
  scope: bigint | string | null;
  attributes: string;
  events: string | null;
  links: string | null;
}

/** Rebuilds a domain span from its stored row and its (already parsed) resource attributes. */
export function rowToSpan(row: StoredSpanRow, resource: Attributes, dictionaries: Dictionaries): Span {
  const span: Span = {
    traceId: blobToId(row.trace_id),
    spanId: blobToId(row.span_id),
    parentSpanId: row.parent_span_id === null ? null : blobToId(row.parent_span_id),
    service: row.service,
    name: row.name,
    kind: SPAN_KIND_NAMES[Number(row.kind)] ?? 'UNSPECIFIED',
    startTimeUnixNano: row.start_ns,
    endTimeUnixNano: row.end_ns,
    status:
      row.status_message === null
        ? { code: STATUS_CODE_NAMES[Number(row.status_code)] ?? 'UNSET' }
        : { code: STATUS_CODE_NAMES[Number(row.status_code)] ?? 'UNSET', message: row.status_message },
    attributes: decodeAttributes(row.attributes, dictionaries.keys),
    resource,
    events: [],
    links: [],
  };
  const events = eventsFromJson(row.events);
  const links = linksFromJson(row.links);
  span.events = events.events;
  span.links = links.links;
  if (events.dropped > 0) span.droppedEventsCount = events.dropped;
  if (links.dropped > 0) span.droppedLinksCount = links.dropped;
  if (row.scope !== null) {
    span.scope = JSON.parse(
      typeof row.scope === 'bigint' ? dictionaries.scopes.textFor(Number(row.scope)) : row.scope,
    );
  }
  return span;
}

/** The values bound to the log insert statement, in column order. */
export function logToRow(log: LogRecord, resourceId: number): unknown[] {
  return [
    log.traceId === null ? null : idToBlob(log.traceId),
    log.spanId === null ? null : idToBlob(log.spanId),
    resourceId,
    log.service,
    log.timeUnixNano,
    log.observedTimeUnixNano,
    log.severityNumber,
    log.severityText,
    JSON.stringify(log.body),
    JSON.stringify(log.attributes),
    log.scope ? JSON.stringify(log.scope) : null,
  ];
}

/** A log row as read back with safe integers. */
export interface StoredLogRow {
  trace_id: Buffer | null;
  span_id: Buffer | null;
  resource_id: bigint;
  service: string;
  time_ns: bigint;
  observed_ns: bigint;
  severity_number: bigint;
  severity_text: string;
  body: string;
  attributes: string;
  scope: string | null;
}

/** Rebuilds a domain log record from its stored row. */
export function rowToLog(row: StoredLogRow, resource: Attributes): LogRecord {
  const log: LogRecord = {
    traceId: row.trace_id === null ? null : blobToId(row.trace_id),
    spanId: row.span_id === null ? null : blobToId(row.span_id),
    service: row.service,
    timeUnixNano: row.time_ns,
    observedTimeUnixNano: row.observed_ns,
    severityNumber: Number(row.severity_number),
    severityText: row.severity_text,
    body: JSON.parse(row.body),
    attributes: JSON.parse(row.attributes) as Attributes,
    resource,
  };
  if (row.scope !== null) log.scope = JSON.parse(row.scope);
  return log;
}
