/*
 * The per-trace summary is recomputed from the trace's own spans after every batch that touched it,
 * inside the same transaction. Spans arrive in any order and from several services, so the summary
 * is derived, never accumulated: whatever arrived last, it describes all spans stored so far.
 *
 * The root is the earliest span without a parent; while the real root has not arrived (its children
 * came first), the earliest span stands in for it.
 *
 * Error count: spans with status ERROR, or server/client spans with an HTTP status >= 500
 * (kind 2 = SERVER, 3 = CLIENT in OTLP's SpanKind).
 */
export const UPSERT_TRACE_SUMMARY_SQL = `
INSERT INTO traces (trace_id, root_span_id, root_service, root_name, start_ns, end_ns, span_count,
  error_count, http_method, http_route, http_status, services, updated_at_ms)
SELECT r.trace_id, r.span_id, r.service, r.name, a.start_ns, a.end_ns, a.span_count, a.error_count,
  r.http_method, r.http_route, r.http_status, a.services, @nowMs
FROM (
  SELECT MIN(start_ns) AS start_ns, MAX(end_ns) AS end_ns, COUNT(*) AS span_count,
    SUM(status_code = 2 OR (IFNULL(http_status, 0) >= 500 AND kind IN (2, 3))) AS error_count,
    json_group_array(DISTINCT service) AS services
  FROM spans WHERE trace_id = @traceId
) a, (
  SELECT trace_id, span_id, service, name, http_method, http_route, http_status
  FROM spans WHERE trace_id = @traceId
  ORDER BY parent_span_id IS NOT NULL, start_ns LIMIT 1
) r
WHERE true
ON CONFLICT (trace_id) DO UPDATE SET
  root_span_id = excluded.root_span_id, root_service = excluded.root_service,
  root_name = excluded.root_name, start_ns = excluded.start_ns, end_ns = excluded.end_ns,
  span_count = excluded.span_count, error_count = excluded.error_count,
  http_method = excluded.http_method, http_route = excluded.http_route,
  http_status = excluded.http_status, services = excluded.services,
  updated_at_ms = excluded.updated_at_ms`;

/** Keeps the service -> operations index used by `GET /api/services`. */
export const UPSERT_OPERATION_SQL = `
INSERT INTO operations (service, name, kind, last_seen_ns) VALUES (?, ?, ?, ?)
ON CONFLICT (service, name, kind) DO UPDATE SET last_seen_ns = max(last_seen_ns, excluded.last_seen_ns)`;
