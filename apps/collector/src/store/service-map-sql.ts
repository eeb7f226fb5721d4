/*
 * The service map over traces that started in a window, computed by SQL over the traces' own spans
 * (each join is a range read on the spans' (trace_id, span_id) key), never by loading spans into Node.
 */

/** Service -> service: a SERVER span whose parent (the caller's CLIENT span) is in another service. */
export const SERVICE_EDGES_SQL = `
SELECT p.service AS source, c.service AS target, COUNT(*) AS calls,
  SUM(c.status_code = 2 OR IFNULL(c.http_status, 0) >= 500) AS errors
FROM traces t
JOIN spans c ON c.trace_id = t.trace_id
JOIN spans p ON p.trace_id = c.trace_id AND p.span_id = c.parent_span_id
WHERE t.start_ns >= ? AND c.kind = 2 AND c.service <> p.service
GROUP BY p.service, c.service`;

/** Service -> database: CLIENT spans carrying a db system. */
export const DATABASE_EDGES_SQL = `
SELECT c.service AS source, c.db_system AS target, COUNT(*) AS calls, SUM(c.status_code = 2) AS errors
FROM traces t JOIN spans c ON c.trace_id = t.trace_id
WHERE t.start_ns >= ? AND c.kind = 3 AND c.db_system IS NOT NULL
GROUP BY c.service, c.db_system`;

/**
 * Service -> uninstrumented peer: an HTTP CLIENT span with no span below it, i.e. the peer sent no
 * spans (or could not be reached). Named by host:port under the new or the old semantic-convention keys.
 */
export const PEER_EDGES_SQL = `
SELECT c.service AS source,
  COALESCE(json_extract(c.attributes, '$."server.address"'), json_extract(c.attributes, '$."net.peer.name"'), 'unknown peer')
    || IFNULL(':' || COALESCE(json_extract(c.attributes, '$."server.port"'), json_extract(c.attributes, '$."net.peer.port"')), '')
    AS target,
  COUNT(*) AS calls,
  SUM(c.status_code = 2 OR IFNULL(c.http_status, 0) >= 500) AS errors
FROM traces t JOIN spans c ON c.trace_id = t.trace_id
WHERE t.start_ns >= ? AND c.kind = 3 AND c.http_method IS NOT NULL AND c.db_system IS NULL
  AND NOT EXISTS (SELECT 1 FROM spans k WHERE k.trace_id = c.trace_id AND k.parent_span_id = c.span_id)
GROUP BY source, target`;

/** Failing traces by the node their failure originated in. */
export const ORIGINATED_SQL = `
SELECT origin_node AS node, COUNT(*) AS count FROM traces
WHERE start_ns >= ? AND fingerprint IS NOT NULL GROUP BY origin_node`;

/** Failing traces that crossed a service without originating there. */
export const PASSED_THROUGH_SQL = `
SELECT j.value AS node, COUNT(*) AS count FROM traces t, json_each(t.services) j
WHERE t.start_ns >= ? AND t.fingerprint IS NOT NULL AND j.value <> t.origin_node
GROUP BY j.value`;
