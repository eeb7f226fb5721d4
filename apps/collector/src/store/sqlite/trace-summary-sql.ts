/*
 * The per-trace summary is merged batch by batch, inside the batch's transaction: the writer sums up
 * the spans a batch really added (a duplicate from an SDK retry adds nothing) and this statement folds
 * that into the stored row. Every part of the merge is order-independent (min, max, sums, set union,
 * best root), so spans arriving in any order and from several services give the same summary.
 *
 * The root is the earliest span without a parent; while the real root has not arrived (its children
 * came first), the earliest span stands in for it, and is replaced when a better one arrives.
 * Services are kept as a sorted JSON array. A trace seen before is found by its key (the writer
 * looked it up by id); a new one is inserted under the key the writer gave it.
 */
export const MERGE_TRACE_SUMMARY_SQL = `
INSERT INTO traces (trace_key, trace_id, root_span_id, root_service, root_name, start_ns, end_ns, span_count,
  error_count, http_method, http_route, http_status, services, updated_at_ms, root_has_parent,
  root_start_ns)
VALUES (@traceKey, @traceId, @rootSpanId, @rootService, @rootName, @startNs, @endNs, @spanCount, @errorCount,
  @httpMethod, @httpRoute, @httpStatus, @services, @nowMs, @rootHasParent, @rootStartNs)
ON CONFLICT (trace_key) DO UPDATE SET
  (root_span_id, root_service, root_name, http_method, http_route, http_status, root_has_parent,
    root_start_ns) =
  (SELECT CASE WHEN better THEN excluded.root_span_id ELSE root_span_id END,
     CASE WHEN better THEN excluded.root_service ELSE root_service END,
     CASE WHEN better THEN excluded.root_name ELSE root_name END,
     CASE WHEN better THEN excluded.http_method ELSE http_method END,
     CASE WHEN better THEN excluded.http_route ELSE http_route END,
     CASE WHEN better THEN excluded.http_status ELSE http_status END,
     CASE WHEN better THEN excluded.root_has_parent ELSE root_has_parent END,
     CASE WHEN better THEN excluded.root_start_ns ELSE root_start_ns END
   FROM (SELECT excluded.root_has_parent < root_has_parent
     OR (excluded.root_has_parent = root_has_parent AND excluded.root_start_ns < root_start_ns) AS better)),
  start_ns = min(start_ns, excluded.start_ns),
  end_ns = max(end_ns, excluded.end_ns),
  span_count = span_count + excluded.span_count,
  error_count = error_count + excluded.error_count,
  services = CASE WHEN services = excluded.services THEN services ELSE
    (SELECT json_group_array(value) FROM (SELECT value FROM json_each(services)
      UNION SELECT value FROM json_each(excluded.services) ORDER BY 1)) END,
  updated_at_ms = excluded.updated_at_ms`;

/** Keeps the service -> operations index used by `GET /api/services`. */
export const UPSERT_OPERATION_SQL = `
INSERT INTO operations (service, name, kind, last_seen_ns) VALUES (?, ?, ?, ?)
ON CONFLICT (service, name, kind) DO UPDATE SET last_seen_ns = max(last_seen_ns, excluded.last_seen_ns)`;
