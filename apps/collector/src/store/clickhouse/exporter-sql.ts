/*
 * SQL expressions over a row of the exporter's `otel_traces`, shared by every ClickHouse query, so
 * that status, kind and HTTP status are read the same way everywhere: status and kind in either
 * spelling ("Error" from the exporter, "STATUS_CODE_ERROR" from other writers), HTTP status and
 * database system under the new and the old semantic-convention keys (a missing map key reads '').
 */

/** Start of the span, ns since the epoch (Int64). */
export const START_NS = 'toUnixTimestamp64Nano(Timestamp)';
/** End of the span, ns since the epoch (Int64); Duration is Int64 or UInt64 depending on the exporter version. */
export const END_NS = `(${START_NS} + toInt64(Duration))`;
/** OTLP's SpanKind number: 2 SERVER, 3 CLIENT. */
export const KIND = `multiIf(
  upper(SpanKind) IN ('INTERNAL', 'SPAN_KIND_INTERNAL'), 1, upper(SpanKind) IN ('SERVER', 'SPAN_KIND_SERVER'), 2,
  upper(SpanKind) IN ('CLIENT', 'SPAN_KIND_CLIENT'), 3, upper(SpanKind) IN ('PRODUCER', 'SPAN_KIND_PRODUCER'), 4,
  upper(SpanKind) IN ('CONSUMER', 'SPAN_KIND_CONSUMER'), 5, 0)`;
/** 1 when the span's status is ERROR. */
export const STATUS_IS_ERROR = `(upper(StatusCode) IN ('ERROR', 'STATUS_CODE_ERROR'))`;
/** The HTTP response status, or NULL. */
export const HTTP_STATUS = `coalesce(toInt32OrNull(SpanAttributes['http.response.status_code']),
  toInt32OrNull(SpanAttributes['http.status_code']))`;
/** The HTTP request method, or NULL. */
export const HTTP_METHOD = `coalesce(nullIf(SpanAttributes['http.request.method'], ''),
  nullIf(SpanAttributes['http.method'], ''))`;
/** The route template, or NULL. */
export const HTTP_ROUTE = `nullIf(SpanAttributes['http.route'], '')`;
/** The database system, or NULL. */
export const DB_SYSTEM = `coalesce(nullIf(SpanAttributes['db.system.name'], ''), nullIf(SpanAttributes['db.system'], ''))`;
/** "host:port" a client called, or NULL (as the SQLite store's edge query builds it). */
export const PEER = `if(
  SpanAttributes['server.address'] = '' AND SpanAttributes['net.peer.name'] = '', NULL,
  concat(if(SpanAttributes['server.address'] != '', SpanAttributes['server.address'], SpanAttributes['net.peer.name']),
    multiIf(SpanAttributes['server.port'] != '', concat(':', SpanAttributes['server.port']),
      SpanAttributes['net.peer.port'] != '', concat(':', SpanAttributes['net.peer.port']), '')))`;
/** 1 when the span counts as an error in a trace summary (status ERROR, or a 5xx it served or received). */
export const COUNTS_AS_ERROR = `(${STATUS_IS_ERROR} OR (ifNull(${HTTP_STATUS}, 0) >= 500 AND ${KIND} IN (2, 3)))`;
/** 1 when a call failed on the service map (status ERROR or any 5xx). */
export const CALL_FAILED = `(${STATUS_IS_ERROR} OR ifNull(${HTTP_STATUS}, 0) >= 500)`;
/** Spans from this time on (a bound `{name:Int64}` of ns). */
export const since = (param: string): string => `Timestamp >= fromUnixTimestamp64Nano({${param}:Int64})`;

/**
 * One row per trace over the spans matching `where`: start, end, distinct span and error counts, the
 * root (the earliest span without a parent; the earliest span while the root has not arrived) and
 * the services. An exporter retry can store a span twice, so spans are counted by id.
 */
export function traceSummarySql(where: string): string {
  return `SELECT TraceId AS trace_id, min(${START_NS}) AS start_ns, max(${END_NS}) AS end_ns,
    uniqExact(SpanId) AS span_count, uniqExactIf(SpanId, ${COUNTS_AS_ERROR}) AS error_count,
    argMin(tuple(ServiceName, SpanName, ${HTTP_METHOD}, ${HTTP_ROUTE}, ${HTTP_STATUS}),
      tuple(ParentSpanId != '', Timestamp)) AS root,
    arraySort(groupUniqArray(ServiceName)) AS services
  FROM otel_traces WHERE ${where} GROUP BY TraceId`;
}
